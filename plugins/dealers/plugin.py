"""The `dealers` plugin: its MANIFEST and thin hook implementations.
What it registers (permissions, settings, sequences, menus, documents,
customer kinds) is
declared in ``declarations.py``."""
from __future__ import annotations

from core.hookspecs import hookimpl
from core.registry import Manifest

MANIFEST = Manifest(
    name="dealers",
    label_zh="经销商管理",
    label_en="Dealers",
    version="0.1.0",
    depends=('customers', 'finance'),
    description="An appliance office and its dealers: orders, stock, samples, promotions.",
    description_zh="家电办事处及其经销商：指令单、进销存、样机、促销。",
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
def register_settings():
    from .declarations import settings

    return settings()


@hookimpl
def register_sequences():
    from .declarations import sequences

    return sequences()


@hookimpl
def scope_query(model, user, action):
    from .access import scope_rules

    return scope_rules(model, user, action)


@hookimpl
def customer_kinds():
    from .declarations import kinds

    return kinds()


@hookimpl
def customer_purchase_amounts(session, customer_ids, start, end):
    from .services.orders import confirmed_amounts

    return confirmed_amounts(session, customer_ids, start, end)


@hookimpl
def customer_panels(session, customer, user):
    from .widgets import customer_panels as panels

    return panels(session, customer, user)


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


@hookimpl
def register_documents():
    from .declarations import documents

    return documents()


@hookimpl
def finance_source_documents(session, sources):
    from .services.finance_link import source_documents

    return source_documents(session, sources)


@hookimpl
def register_pickers():
    from .declarations import pickers

    return pickers()
