"""Test data builders for the dealers tests."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from core.models import User
from plugins.customers import api as customers
from plugins.dealers.models import DealerPriceList, DealerProduct
from plugins.dealers.services import catalog, network
from plugins.finance import api as finance


@dataclass
class DealerWorld:
    app: object
    office_id: int
    users: dict = field(default_factory=dict)
    dealers: dict = field(default_factory=dict)
    products: dict = field(default_factory=dict)
    terminals: dict = field(default_factory=dict)
    price_list_id: int = 0

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
        w = cls(app, office.id, users)
        with w.db.session() as s:
            tv55 = catalog.save_product(s, None, model="55E3", name="55寸 4K 电视", category="tv",
                                        list_price="3999.00", floor_price="3000.00", status="main_push")
            tv65 = catalog.save_product(s, None, model="65A5", name="65寸 MiniLED 电视", category="tv",
                                        list_price="5999.00", floor_price="4500.00", status="new")
            pl = catalog.save_price_list(s, None, name="2026 会员价", valid_from=date(2020, 1, 1))
            catalog.set_price(s, pl, tv55, "3200.00")
            catalog.set_price(s, pl, tv65, "4800.00")
            s.flush()
            w.products = {"tv55": tv55.id, "tv65": tv65.id}
            w.price_list_id = pl.id
        w.dealers["a"] = w.make_dealer("桐庐永利电器商行", users["sales1"].id, "member",
                                       county="桐庐县", town="")
        w.dealers["b"] = w.make_dealer("萧山华联家电城", users["sales2"].id, "traditional",
                                       county="萧山区", town="瓜沥镇")
        with w.db.session() as s:
            for key in ("a", "b"):
                c = s.get(customers.Customer, w.dealers[key])
                t = network.save_terminal(s, c, None, name=f"{c.name}总店")
                s.flush()
                w.terminals[key] = t.id
        return w

    @property
    def db(self):
        return self.app.extensions["qudao"].db

    def make_dealer(self, name: str, owner_id: int, kind: str, *, county: str, town: str,
                    active: bool = True, org_unit_id: int | None = None) -> int:
        with self.db.session() as s:
            c = customers.create_customer(s, name=name, kind=kind, owner_id=owner_id,
                                          org_unit_id=org_unit_id or self.office_id,
                                          province="浙江省", city="杭州市", county=county, town=town,
                                          address=f"{county}{town}人民路8号")
            if active:
                # Test set-up only: the account-opening approval is customers'
                # own flow (tested there); dealers' rules start after it.
                c.status = customers.ACTIVE
            s.flush()
            return c.id

    def user(self, s, key: str) -> User:
        return s.get(User, self.users[key].id)

    def customer(self, s, key: str):
        return s.get(customers.Customer, self.dealers[key])

    def product(self, s, key: str) -> DealerProduct:
        return s.get(DealerProduct, self.products[key])

    def price_list(self, s) -> DealerPriceList:
        return s.get(DealerPriceList, self.price_list_id)

    def prepay(self, key: str, amount: str, when: date | None = None) -> None:
        """Money received from the dealer before delivery (finance records it)."""
        with self.db.session() as s:
            finance.record_payment(s, self.dealers[key], Decimal(amount), when=when,
                                   user=self.user(s, "finance"), reference="银行回单")

    def balance(self, key: str) -> Decimal:
        with self.db.session() as s:
            return finance.customer_balance(s, self.dealers[key])


def one(s, stmt):
    return s.execute(stmt).scalar_one()


__all__ = ["DealerWorld", "one", "select"]
