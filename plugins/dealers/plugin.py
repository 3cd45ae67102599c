"""Hook implementations of the `dealers` plugin: thin, returning objects
defined in the plugin's other modules."""
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
)


@hookimpl
def register_models():
    from .models import ALL_MODELS

    return list(ALL_MODELS)


@hookimpl
def register_permissions():
    from .permissions import permissions

    return permissions()


@hookimpl
def register_settings():
    from .settings import specs

    return specs()


@hookimpl
def register_sequences():
    from core.registry import SequenceSpec

    return [
        SequenceSpec("dealers.order", "XS{year}-{n:05}", "销售指令单"),
        SequenceSpec("dealers.sample_transfer", "YJDB{year}-{n:04}", "样机调拨单"),
        SequenceSpec("dealers.promotion", "CX{year}-{n:04}", "促销活动"),
        SequenceSpec("dealers.incident", "CH{year}-{n:04}", "窜货记录"),
        SequenceSpec("dealers.rebate", "FLSB{year}-{n:04}", "返利申报"),
    ]


@hookimpl
def scope_query(model, user, action):
    from .access import scope_rules

    return scope_rules(model, user, action)


@hookimpl
def customer_kinds():
    from .kinds import dealer_kinds

    return dealer_kinds()


@hookimpl
def customer_purchase_amounts(session, customer_ids, start, end):
    from .services.orders import confirmed_amounts

    return confirmed_amounts(session, customer_ids, start, end)


@hookimpl
def customer_panels(session, customer, user):
    from .panels import customer_panels as panels

    return panels(session, customer, user)


@hookimpl
def register_blueprints(app):
    from .views import blueprint

    return [blueprint()]


@hookimpl
def menu_items(menu, user):
    from .menus import items

    return items(menu)


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
    from .documents import documents

    return documents()


@hookimpl
def finance_source_documents(session, sources):
    from .services.finance_link import source_documents

    return source_documents(session, sources)
