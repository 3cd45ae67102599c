"""Test data for the retail-client tests: one branch, its people, a few
retail customers with profiles and holdings."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from plugins.banking_rm.models import BankActivity, BankHolding, BankHousehold, BankRetailProfile
from plugins.customers import api as customers
from core import clock

TODAY = clock.today()


@dataclass
class World:
    app: object
    branch_id: int
    users: dict = field(default_factory=dict)
    customers: dict = field(default_factory=dict)

    @property
    def db(self):
        return self.app.extensions["qudao"].db

    @classmethod
    def build(cls, app, make_user, make_org):
        branch = make_org("NJ1", "南京新街口支行", "bank_branch")
        users = {
            "head": make_user("head", "br_head", org_unit=branch),
            "wm1": make_user("wm1", "br_wealth", org_unit=branch),
            "wm2": make_user("wm2", "br_wealth", org_unit=branch),
            "lobby": make_user("lobby", "br_lobby", org_unit=branch),
        }
        w = cls(app, branch.id, users)
        w.set_locale(*users, locale="en")  # messages asserted in English; one test reads Chinese
        return w

    def set_locale(self, *names, locale="en"):
        from core.models import User

        with self.db.session() as s:
            for n in names:
                s.get(User, self.users[n].id).locale = locale

    def customer(self, key, name, owner="wm1", *, potential="low", birthday=None, risk=None,
                 assessed=None, household=None, role=None, orientation=None,
                 phone="13812345678", id_number=None):
        with self.db.session() as s:
            c = customers.create_customer(s, name=name, kind="retail", org_unit_id=self.branch_id,
                                          owner_id=self.users[owner].id, phone=phone)
            s.flush()
            s.add(BankRetailProfile(customer_id=c.id, potential=potential, birthday=birthday,
                                    risk_level=risk, risk_assessed_on=assessed,
                                    household_id=household, household_role=role,
                                    orientation=orientation, id_number=id_number))
            s.flush()
            self.customers[key] = c.id
        return self.customers[key]

    def household(self, name):
        with self.db.session() as s:
            h = BankHousehold(name=name)
            s.add(h)
            s.flush()
            return h.id

    def hold(self, key, kind, amount, *, status="open", risk=None, start=None, maturity=None):
        with self.db.session() as s:
            h = BankHolding(customer_id=self.customers[key], kind=kind, product_name=f"{kind} 产品",
                            amount=Decimal(amount), start_on=start or TODAY - timedelta(days=100),
                            maturity_on=maturity, risk_level=risk, status=status)
            s.add(h)
            s.flush()
            return h.id

    def contact(self, key, days_ago, user="wm1", kind="call"):
        with self.db.session() as s:
            day = TODAY - timedelta(days=days_ago)
            s.add(BankActivity(user_id=self.users[user].id, customer_id=self.customers[key],
                               kind=kind, day=day, at=datetime(day.year, day.month, day.day, 10)))
