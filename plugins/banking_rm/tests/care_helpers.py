"""Builders for the care tests: a branch, two wealth managers, a head and
retail customers with holdings."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from plugins.banking_rm.models import BankHolding, BankRetailProfile
from plugins.customers import api as customers


@dataclass
class Branch:
    app: object
    org_id: int
    users: dict = field(default_factory=dict)

    @classmethod
    def build(cls, app, make_user, make_org):
        org = make_org("BR1", "南京鼓楼支行", "office")
        users = {
            "head": make_user("head", "br_head", org_unit=org),
            "rm1": make_user("rm1", "br_wealth", org_unit=org),
            "rm2": make_user("rm2", "br_wealth", org_unit=org),
        }
        return cls(app, org.id, users)

    @property
    def db(self):
        return self.app.extensions["qudao"].db

    def customer(self, name: str, owner: str, *, birthday: date | None = None,
                 potential: str = "low") -> int:
        with self.db.session() as s:
            c = customers.create_customer(s, name=name, kind="retail", org_unit_id=self.org_id,
                                          owner_id=self.users[owner].id, phone="13912345678")
            c.status = customers.ACTIVE
            s.flush()
            s.add(BankRetailProfile(customer_id=c.id, birthday=birthday, potential=potential))
            s.flush()
            return c.id

    def holding(self, customer_id: int, amount: str, maturity_on: date | None, *, kind: str = "term_deposit",
                yield_rate: str | None = None, start_on: date = date(2025, 1, 1), name: str = "定期") -> int:
        with self.db.session() as s:
            h = BankHolding(customer_id=customer_id, kind=kind, product_name=name, amount=Decimal(amount),
                            start_on=start_on, maturity_on=maturity_on,
                            yield_rate=Decimal(yield_rate) if yield_rate else None)
            s.add(h)
            s.flush()
            return h.id
