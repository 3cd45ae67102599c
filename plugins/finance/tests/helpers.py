"""Test data builders for the finance tests."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from core.models import OrgUnit, User
from plugins.customers import api as customers


@dataclass
class FinanceWorld:
    app: object
    office_id: int
    other_office_id: int
    users: dict = field(default_factory=dict)
    customers: dict = field(default_factory=dict)

    @classmethod
    def build(cls, app, make_user, make_org):
        office = make_org("OFF1", "杭州办事处", "office")
        other = make_org("OFF2", "南京办事处", "office")
        users = {
            "manager": make_user("mgr", "manager", org_unit=office),
            "sales1": make_user("sales1", "salesperson", org_unit=office),
            "sales2": make_user("sales2", "salesperson", org_unit=office),
            "finance": make_user("fin", "finance", org_unit=office),
            "other_mgr": make_user("mgr2", "manager", org_unit=other),
            "auditor": make_user("aud", "auditor", org_code="HQ"),
        }
        w = cls(app, office.id, other.id, users)
        w.customers["a"] = w.make_customer("杭州华联电器有限公司", users["sales1"].id)
        w.customers["b"] = w.make_customer("西湖家电商行", users["sales2"].id)
        w.customers["c"] = w.make_customer("南京新街口电器", users["other_mgr"].id, other.id)
        return w

    @property
    def db(self):
        return self.app.extensions["qudao"].db

    def make_customer(self, name: str, owner_id: int, org_unit_id: int | None = None) -> int:
        with self.db.session() as s:
            c = customers.create_customer(s, name=name, kind=_kind(s), owner_id=owner_id,
                                          org_unit_id=org_unit_id or self.office_id)
            s.flush()
            return c.id

    def user(self, s, key: str) -> User:
        return s.get(User, self.users[key].id)

    def org(self, s, code: str) -> OrgUnit:
        return s.scalar(select(OrgUnit).where(OrgUnit.code == code))


def _kind(session) -> str:
    kinds = customers.kinds(session)
    return kinds[0][0]


D = date
