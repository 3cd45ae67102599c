"""Fixtures of the customers tests: only `customers` enabled, plus a tiny
test plugin ("cutest") that implements the hooks customers publishes, so the
kinds, purchase amounts and panels of "other plugins" are real hook calls."""
from __future__ import annotations

import types
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Blueprint
from sqlalchemy import select

from core.hookspecs import hookimpl
from core.registry import Manifest

#: {customer_id: Decimal} the test plugin reports as purchases; tests fill it.
AMOUNTS: dict[int, Decimal] = {}
#: [(start, end)] windows the hook was asked for.
CALLS: list = []


def _test_plugin():
    mod = types.ModuleType("qudao_customers_test_plugin")
    mod.__file__ = __file__  # templates/ beside this file
    mod.MANIFEST = Manifest("cutest", "客户测试", "Customers test", "0.1", depends=("customers",))

    @hookimpl
    def customer_kinds():
        return [("member", "会员客户"), ("traditional", "传统客户")]

    @hookimpl
    def customer_purchase_amounts(session, customer_ids, start, end):
        from plugins.customers.api import Customer

        CALLS.append((start, end))
        wanted = set(session.scalars(select(Customer.id).where(Customer.id.in_(customer_ids))))
        return {cid: a for cid, a in AMOUNTS.items() if cid in wanted}

    @hookimpl
    def customer_panels(customer, user):
        from plugins.customers.api import CustomerPanel

        return [CustomerPanel("测试面板", "cutest/panel.html", {"text": f"余额 {customer.code}"})]

    @hookimpl
    def register_blueprints(app):
        return [Blueprint("cutest", __name__, url_prefix="/cutest",
                          template_folder=str(Path(__file__).parent / "templates"))]

    for fn in (customer_kinds, customer_purchase_amounts, customer_panels, register_blueprints):
        setattr(mod, fn.__name__, fn)
    return mod


@pytest.fixture
def enabled_plugins():
    return ["customers", "cutest"]


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": [_test_plugin()]}


@pytest.fixture(autouse=True)
def _reset():
    AMOUNTS.clear()
    CALLS.clear()


@pytest.fixture
def units(make_org):
    """HQ → EAST (branch) → OFF (office), and a sibling office OFF2."""
    east = make_org("EAST", "华东分公司", "branch", "HQ")
    off = make_org("OFF", "杭州办事处", "office", "EAST")
    off2 = make_org("OFF2", "宁波办事处", "office", "EAST")
    return {"east": east, "off": off, "off2": off2}


@pytest.fixture
def people(make_user, units):
    """Two salespeople and a manager in OFF, a manager in OFF2, a branch manager."""
    return {
        "sales1": make_user("sales1", "salesperson", "OFF"),
        "sales2": make_user("sales2", "salesperson", "OFF"),
        "manager": make_user("manager", "manager", "OFF"),
        "manager2": make_user("manager2", "manager", "OFF2"),
        "boss": make_user("boss", "manager", "EAST"),
    }


@pytest.fixture
def new_customer(db):
    """new_customer(owner, name=..., status=..., **fields) → Customer, created in the
    test's ``db`` session and committed (so pages and other sessions see it)."""
    from plugins.customers.services.master import create_customer

    def make(owner, name="杭州永利电器商行", kind="general", status=None, **fields):
        c = create_customer(db, name=name, kind=kind, org_unit_id=owner.org_unit_id,
                            owner_id=owner.id, **fields)
        if status:
            c.status = status
        db.commit()
        return c

    return make


def uscc_code(seed: int) -> str:
    """A valid unified social credit code, different per seed."""
    from plugins.customers.services.uscc import make

    return make(f"91330100{seed:09d}")


def login(client, username: str):
    """Sign in as ``username``, signing the previous user out first."""
    if client.csrf is not None:
        client.logout()
        client.csrf = None
    resp = client.login(username)
    assert resp.status_code in (302, 303), f"login as {username} failed"
    return resp
