"""``qudao init``: schema, default roles, root org unit, first admin, demo data."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import select

from . import services
from .models import OrgUnit, PluginState, Role, Setting, User

DEMO_PASSWORD = "demo-pass-2026"
DEMO_MARK = "core.demo_loaded"
#: username, full name, roles, org unit (a key of the demo context)
DEMO_PEOPLE = [
    ("manager", "王建国", ["manager"], "office"),
    ("sales1", "李明", ["salesperson"], "office"),
    ("sales2", "张伟", ["salesperson"], "office"),
    ("finance", "陈静", ["finance"], "branch"),
    ("auditor", "赵敏", ["auditor"], "root"),
    ("store_mgr", "刘芳", ["manager"], "store"),
    ("store_sales", "周婷", ["salesperson"], "store"),
    ("bank_head", "孙强", ["manager"], "bank"),
    ("bank_rm", "吴磊", ["salesperson"], "bank"),
]
#: Which part of the demo org tree uses which plugin (a key of the demo
#: context); the plugins not named here are used by the whole company.
DEMO_SCOPES = {
    "dealers": ["office"],
    "stores_demo": ["store"],
    "banking_rm": ["bank"],
}


@dataclass
class InitResult:
    admin_created: bool = False
    admin_password: str | None = None
    demo_logins: list[str] = field(default_factory=list)
    #: what ``qudao db upgrade`` did (``schema.gone``: plugins recorded in
    #: the database whose package is not installed, left alone)
    schema: object = None


def create_schema(app: Flask):
    from .migrate import upgrade

    return upgrade(app)


def first_setup(session, admin_name: str = "admin", password: str | None = None) -> InitResult:
    """Roles, the company root and every installed plugin that offers
    features enabled on a new database; the admin user.  Safe to run again."""
    result = InitResult()
    ext = session.ext
    services.ensure_roles(session)
    if not session.scalar(select(OrgUnit.id).limit(1)):
        services.create_org_unit(session, "HQ", "总公司", "company")
    if not session.scalar(select(PluginState.name).limit(1)):
        for name in ext.host.order:
            # A plugin that offers nothing yet is not enabled (PluginHost.not_ready).
            if name != "core" and name not in ext.host.not_ready:
                services.enable_plugin(session, name, with_deps=True)
        services.grant_defaults(session, "core")
    if not session.scalar(select(User.id).where(User.username == admin_name)):
        root = session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
        _user, pw = services.create_user(session, admin_name, password, ["admin"], root, "系统管理员")
        result.admin_created = True
        result.admin_password = None if password else pw
    return result


def load_demo(session) -> list[str]:
    """Core's demo org tree and users, then each enabled plugin's demo data in
    dependency order.  Returns the demo logins to print."""
    if session.get(Setting, DEMO_MARK) is not None:
        return ["demo data already loaded"] + demo_logins(session)
    ext = session.ext
    root = session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).order_by(OrgUnit.id))
    c = services.create_org_unit
    east = c(session, "EAST", "华东分公司", "branch", root)
    office = c(session, "HZ-OFFICE", "杭州办事处", "office", east)
    store = c(session, "SH-STORE", "上海南京西路珠宝门店", "store", east)
    bank = c(session, "NJ-BANK", "南京新街口支行", "bank_branch", east)
    context = {"root": root, "branch": east, "office": office, "store": store, "bank": bank}
    users = {}
    for username, name, roles, unit in DEMO_PEOPLE:
        users[username], _ = services.create_user(session, username, DEMO_PASSWORD, roles,
                                                  context[unit], name)
    context["users"] = users
    for name, units in DEMO_SCOPES.items():
        if name in ext.host.manifests:
            services.set_plugin_scope(session, name, [context[u] for u in units],
                                      reason="demo data")
    on = ext.host.enabled(session)
    for name in ext.host.order:
        if name not in on:
            continue
        others = [ext.host.modules[n] for n in ext.host.order if n != name]
        ext.host.pm.subset_hook_caller("load_demo_data", others)(session=session, context=context)
    session.add(Setting(key=DEMO_MARK, value=True))
    session.flush()
    return demo_logins(session)


def demo_logins(session) -> list[str]:
    """Every demo user, core's and those the plugins' demo data added (the
    bank's lobby manager and tellers, the store's cashier …)."""
    users = session.scalars(select(User).where(User.active.is_(True),
                                               ~User.roles.any(Role.name == "admin"))
                            .order_by(User.id)).all()
    return [f"demo login: {u.username:<13} password: {DEMO_PASSWORD}   "
            f"({u.full_name}, {', '.join(r.name for r in u.roles)})" for u in users]


def init(app: Flask, admin_name: str = "admin", password: str | None = None,
         demo: bool = False) -> InitResult:
    schema = create_schema(app)
    ext = app.extensions["qudao"]
    with ext.db.session() as s:
        result = first_setup(s, admin_name, password)
    result.schema = schema
    if demo:
        with ext.db.session() as s:
            result.demo_logins = load_demo(s)
    return result
