"""Test data for the key-account tests: a boutique with a manager, two
developers and one account each."""
from __future__ import annotations

from dataclasses import dataclass, field

from core.models import User
from plugins.stores_demo.declarations import KIND_HIGH_VALUE, KIND_STRATEGIC
from plugins.stores_demo.services import accounts


@dataclass
class Boutique:
    app: object
    store_id: int
    users: dict = field(default_factory=dict)
    accounts: dict = field(default_factory=dict)

    @property
    def db(self):
        return self.app.extensions["qudao"].db

    def account(self, name, owner, kind=KIND_HIGH_VALUE, stage=1, **profile) -> int:
        with self.db.session() as s:
            u = s.get(User, self.users[owner].id)
            c = accounts.create_account(s, u, name=name, kind=kind, org_unit_id=self.store_id,
                                        owner_id=u.id, stage=stage, **profile)
            s.flush()
            return c.id


def build(app, make_user, make_org) -> Boutique:
    store = make_org("SH1", "上海旗舰店", "store")
    users = {
        "mgr": make_user("smgr", "manager", org_unit=store),
        "dev1": make_user("dev1", "salesperson", org_unit=store),
        "dev2": make_user("dev2", "salesperson", org_unit=store),
        "dev3": make_user("dev3", "salesperson", org_unit=store),
    }
    b = Boutique(app, store.id, users)
    b.accounts["a"] = b.account("陈女士", "dev1", mobile="13812345678", lead_source="friend")
    b.accounts["b"] = b.account("恒隆集团", "dev2", kind=KIND_STRATEGIC, mobile="13987654321",
                                is_organisation="y", decision_maker="董事长 王总")
    return b
