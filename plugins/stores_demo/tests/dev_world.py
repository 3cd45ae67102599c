"""A key-account department for the development tests: a store with a
coordinator, a second coordinator, two developers and a finance clerk, and
one key account per developer."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from core.models import User
from plugins.customers import api as customers
from plugins.stores_demo.declarations import KIND_HIGH_VALUE, KIND_IMPORTANT
from plugins.stores_demo.models.development import StoresDemoReception, StoresDemoVisit
from plugins.stores_demo.services import receptions, visits
from core import clock


@dataclass
class DevWorld:
    app: object
    store_id: int
    users: dict = field(default_factory=dict)
    accounts: dict = field(default_factory=dict)

    @classmethod
    def build(cls, app, make_user, make_org):
        store = make_org("SH01", "上海旗舰店", "store")
        users = {
            "mgr": make_user("sd_mgr", "sd_coordinator", org_unit=store),
            "mgr_b": make_user("sd_mgr_b", "sd_coordinator", org_unit=store),
            "dev1": make_user("sd_dev1", "sd_developer", org_unit=store),
            "dev2": make_user("sd_dev2", "sd_developer", org_unit=store),
            "clerk": make_user("sd_clerk", "sd_logistics", org_unit=store),
            "fin": make_user("sd_fin", "finance", org_unit=store),
            "aud": make_user("sd_aud", "auditor", org_unit=store),
        }
        w = cls(app, store.id, users)
        with w.db.session() as s:
            a = customers.create_customer(s, name="王丽华", kind=KIND_HIGH_VALUE,
                                          org_unit_id=store.id, owner_id=users["dev1"].id)
            b = customers.create_customer(s, name="浦东新区机关事务管理局", kind=KIND_IMPORTANT,
                                          org_unit_id=store.id, owner_id=users["dev2"].id)
            s.flush()
            w.accounts = {"a": a.id, "b": b.id}
        return w

    @property
    def db(self):
        return self.app.extensions["qudao"].db

    def user(self, s, key: str) -> User:
        return s.get(User, self.users[key].id)

    def account(self, s, key: str):
        return s.get(customers.Customer, self.accounts[key])

    def visit(self, s, *, account="a", owner="dev1", upto="summarised") -> StoresDemoVisit:
        """A visit of ``owner`` walked up to step ``upto``."""
        u = self.user(s, owner)
        v = visits.plan_visit(s, self.account(s, account), u, planned_on=clock.today().isoformat(),
                              purpose="介绍结婚周年克拉钻", people="张三、李四", head_count="2",
                              transport="company_car", budget="800")
        steps = [
            ("discussed", lambda: visits.record_discussion(s, v, u, "先聊天气，再带iPad图片")),
            ("applied", lambda: visits.apply(s, v, u)),
            ("approved", lambda: visits.approve(s, v, self.user(s, "mgr"), "800")),
            ("visited", lambda: visits.record_visit(
                s, v, u, visited_on=clock.today().isoformat(), visited_time="10:30", place="客户办公室",
                method="face_to_face", key_points="结婚十周年，想要一克拉钻戒",
                customer_views="喜欢简洁款式，预算五万左右",
                next_visit_on=(clock.today() + timedelta(days=14)).isoformat())),
            ("followed_up", lambda: visits.follow_up(s, v, u, "电话回访，客户想看实物")),
            ("summarised", lambda: visits.summarise(s, v, u, "客户意向明确，下次带三款样品")),
        ]
        for name, step in steps:
            if v.status == upto:
                break
            step()
        s.flush()
        return v

    def reception(self, s, *, account="a", owner="dev1", upto="reported") -> StoresDemoReception:
        u = self.user(s, owner)
        r = receptions.request_reception(s, self.account(s, account), u,
                                         visit_on=clock.today().isoformat(), visit_time="14:00",
                                         head_count="3", needs="看钻戒和定制款")
        steps = [
            ("planned", lambda: receptions.plan_reception(
                s, r, u, host_id=self.users["mgr"].id, main_seller_id=u.id,
                clerk_id=self.users["clerk"].id, budget="300")),
            ("approved", lambda: receptions.approve(s, r, self.user(s, "mgr"))),
            ("received", lambda: receptions.record_reception(s, r, u)),
            ("reported", lambda: receptions.report(s, r, u, buying_experience="对商务室环境很满意",
                                                   outcome="订了一枚定制钻戒")),
        ]
        for name, step in steps:
            if r.status == upto:
                break
            step()
        s.flush()
        return r


@pytest.fixture
def dev(app, make_user, make_org) -> DevWorld:
    return DevWorld.build(app, make_user, make_org)
