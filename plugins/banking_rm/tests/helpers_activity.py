"""A small branch for the activity, referral, stage and meeting tests."""
from __future__ import annotations

from dataclasses import dataclass, field

from core.models import User
from plugins.customers import api as customers


@dataclass
class Branch:
    app: object
    org_id: int
    other_org_id: int
    users: dict = field(default_factory=dict)
    customers: dict = field(default_factory=dict)

    @classmethod
    def build(cls, app, make_user, make_org):
        org = make_org("BR1", "南京新街口支行", "bank_branch")
        other = make_org("BR2", "南京鼓楼支行", "bank_branch")
        users = {
            "head": make_user("head", "br_head", org_unit=org),
            "lobby": make_user("lobby", "br_lobby", org_unit=org),
            "teller": make_user("teller", "br_teller", org_unit=org),
            "teller2": make_user("teller2", "br_teller", org_unit=org),
            "wm1": make_user("wm1", "br_wealth", org_unit=org),
            "wm2": make_user("wm2", "br_wealth", org_unit=org),
            "far": make_user("far", "br_wealth", org_unit=other),
        }
        b = cls(app, org.id, other.id, users)
        b.customers["a"] = b.make_customer("王建国", users["wm1"].id)
        b.customers["b"] = b.make_customer("李秀英", users["wm2"].id)
        b.customers["far"] = b.make_customer("赵敏", users["far"].id, other.id)
        return b

    @property
    def db(self):
        return self.app.extensions["qudao"].db

    def make_customer(self, name: str, owner_id: int, org_id: int | None = None) -> int:
        with self.db.session() as s:
            c = customers.create_customer(s, name=name, kind="retail", owner_id=owner_id,
                                          org_unit_id=org_id or self.org_id)
            s.flush()
            return c.id

    def user(self, s, key: str) -> User:
        return s.get(User, self.users[key].id)

    def code(self, key: str) -> str:
        with self.db.session() as s:
            return customers.get_customer(s, self.customers[key]).code
