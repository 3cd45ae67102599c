"""Test data for the pieces, custom-order and after-sale tests: a boutique
with a manager and two developers, one key account each, and today's gold
price."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from core.models import User
from plugins.customers import api as customers
from plugins.stores_demo.services import pieces as piece_svc
from core import clock


@dataclass
class PieceWorld:
    app: object
    users: dict = field(default_factory=dict)
    accounts: dict = field(default_factory=dict)

    @classmethod
    def build(cls, app, make_user, make_org):
        shop = make_org("SH01", "上海旗舰店", "office")
        w = cls(app)
        w.users = {"mgr": make_user("mgr", "manager", org_unit=shop),
                   "dev1": make_user("dev1", "salesperson", org_unit=shop),
                   "dev2": make_user("dev2", "salesperson", org_unit=shop)}
        with w.db.session() as s:
            for key, name, owner in (("a", "王女士", "dev1"), ("b", "李先生", "dev2")):
                c = customers.create_customer(s, name=name, kind="sd_high_value", org_unit_id=shop.id,
                                              owner_id=w.users[owner].id, phone="13812345678")
                c.status = customers.ACTIVE  # set-up only: account opening is customers' own flow
                s.flush()
                w.accounts[key] = c.id
            piece_svc.set_gold_price(s, day_raw=clock.today(), metal_raw="Au999", price_raw="550.00")
            piece_svc.set_gold_price(s, day_raw=clock.today(), metal_raw="18K", price_raw="420.00")
        return w

    @property
    def db(self):
        return self.app.extensions["qudao"].db

    def user(self, s, key: str) -> User:
        return s.scalar(select(User).where(User.username == self.users[key].username))

    def piece(self, **kw) -> int:
        data = {"sku": "R-001", "name": "足金戒指", "metal": "Au999", "gross_weight": "5.20",
                "net_weight": "5.00", "pricing": "tag", "tag_price": "3280.00"}
        data.update(kw)
        with self.db.session() as s:
            p = piece_svc.save_piece(s, None, data)
            s.flush()
            return p.id


MONEY = Decimal("0.01")
