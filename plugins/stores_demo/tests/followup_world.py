"""A boutique for the follow-up tests (tasks, walk-ins, anniversaries,
events): a store with its manager, two developers and an event planner, a
second store with its own manager, and a few key accounts."""
from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from plugins.customers import api as customers
from plugins.stores_demo.declarations import EVENT_PLANNER, KIND_HIGH_VALUE, KIND_IMPORTANT


@dataclass
class Boutique:
    app: object
    store_id: int
    other_id: int
    users: dict = field(default_factory=dict)
    accounts: dict = field(default_factory=dict)

    @property
    def db(self):
        return self.app.extensions["qudao"].db

    def user(self, s, key):
        from core.models import User

        return s.get(User, self.users[key].id)

    def account(self, key: str, name: str, owner: str, kind: str = KIND_HIGH_VALUE,
                org_unit_id: int | None = None, grade: str | None = None) -> int:
        with self.db.session() as s:
            c = customers.create_customer(s, name=name, kind=kind, owner_id=self.users[owner].id,
                                          org_unit_id=org_unit_id or self.store_id,
                                          province="上海市", city="上海市", phone="13812345678")
            c.status = customers.ACTIVE  # set-up only: account opening is customers' own flow
            c.grade = grade
            s.flush()
            self.accounts[key] = c.id
            return c.id


@pytest.fixture
def shop(app, make_user, make_org):
    store = make_org("SH01", "上海旗舰店", "office")
    other = make_org("BJ01", "北京旗舰店", "office")
    users = {
        "mgr": make_user("store_mgr1", "manager", org_unit=store),
        "sales1": make_user("dev1", "salesperson", org_unit=store),
        "sales2": make_user("dev2", "salesperson", org_unit=store),
        "planner": make_user("planner1", EVENT_PLANNER, org_unit=store),
        "other_mgr": make_user("bj_mgr", "manager", org_unit=other),
    }
    b = Boutique(app, store.id, other.id, users)
    b.account("li", "李女士", "sales1", KIND_HIGH_VALUE, grade="A")
    b.account("wang", "王先生", "sales1", KIND_IMPORTANT, grade="B")
    b.account("zhao", "赵女士", "sales2", KIND_HIGH_VALUE, grade="A")
    b.account("bj", "北京客户", "other_mgr", KIND_HIGH_VALUE, org_unit_id=other.id, grade="A")
    return b
