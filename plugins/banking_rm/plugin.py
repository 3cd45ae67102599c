"""The `banking_rm` plugin: its MANIFEST and thin hook implementations.

Every hookimpl below imports lazily and
returns what another module of the plugin defines; what the plugin
registers (permissions, roles, settings, sequences, menus, documents,
customer kinds) is declared in ``declarations.py``."""
from __future__ import annotations

from core.hookspecs import hookimpl
from core.registry import Manifest

MANIFEST = Manifest(
    name="banking_rm",
    label_zh="银行客户经理",
    label_en="Bank relationship managers",
    version="0.2.0",
    depends=('customers',),
    description="A bank branch's relationship managers: 5-20-30, stages, referrals, maturities.",
    description_zh="银行支行的客户经理：5-20-30、客户阶段、转介、产品到期。",
)


@hookimpl
def register_models():
    from .models import ALL_MODELS

    return list(ALL_MODELS)


@hookimpl
def register_permissions():
    from .declarations import permissions

    return permissions()


@hookimpl
def register_roles():
    from .declarations import roles

    return roles()


@hookimpl
def register_settings():
    from .declarations import settings

    return settings()


@hookimpl
def register_sequences():
    from .declarations import sequences

    return sequences()


@hookimpl
def register_documents():
    from .declarations import documents

    return documents()


@hookimpl
def register_job_handlers():
    from .declarations import job_handlers

    return job_handlers()


@hookimpl
def customer_kinds():
    from .declarations import kinds

    return kinds()


@hookimpl
def scope_query(model, user, action):
    from .access import scope_rules

    return scope_rules(model, user, action)


@hookimpl
def register_blueprints(app):
    from .views import blueprint

    return [blueprint()]


@hookimpl
def menu_items(menu, user):
    from .declarations import menus

    return menus(menu)


@hookimpl
def dashboard_widgets(session, user):
    from .widgets import widgets

    return widgets(session, user)


@hookimpl
def load_demo_data(session, context):
    from .demo import load

    load(session, context)
