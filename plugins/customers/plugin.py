"""The `customers` plugin: its MANIFEST and thin hook implementations.
What it registers (permissions, settings, sequences, menus, documents, job
handlers, its own customer kind) is declared in ``declarations.py``."""
from __future__ import annotations

from core.hookspecs import hookimpl
from core.registry import Manifest

from . import hookspecs as _hookspecs

MANIFEST = Manifest(
    name="customers",
    label_zh="客户管理",
    label_en="Customers",
    version="0.1.0",
    depends=(),
    description="Customer master: account opening, MAN rule, ABC grading, evaluation, loyalty, visits.",
    description_zh="客户主数据：立户申请、MAN 法则、ABC 分级、客户评价、忠诚度、拜访。",
)

#: Published hooks (customer_kinds, customer_purchase_amounts, customer_panels).
HOOKSPECS = _hookspecs


@hookimpl
def register_models():
    from .models import ALL_MODELS

    return list(ALL_MODELS)


@hookimpl
def register_blueprints(app):
    from .views import blueprint

    return [blueprint()]


@hookimpl
def register_permissions():
    from .declarations import permissions

    return permissions()


@hookimpl
def register_audit_labels():
    from .audit_labels import audit_labels

    return audit_labels()


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
def scope_query(model, user, action):
    from .access import scope_rules

    return scope_rules(model, user, action)


@hookimpl
def menu_items(menu, user):
    from .declarations import menus

    return menus(menu)


@hookimpl
def dashboard_widgets(session, user):
    from .widgets import for_user

    return for_user(session, user)


@hookimpl
def register_job_handlers():
    from .declarations import job_handlers

    return job_handlers()


@hookimpl
def register_commands(cli):
    from .cli import register

    register(cli)


@hookimpl
def load_demo_data(session, context):
    from .demo import load

    load(session, context)


@hookimpl
def customer_kinds():
    from .declarations import kinds

    return kinds()


@hookimpl
def register_pickers():
    from .declarations import pickers

    return pickers()


@hookimpl
def customer_purchase_amounts(session, customer_ids, start, end):
    """Purchases before the platform (``PurchaseHistory``), summed in SQL."""
    from .services.grading import history_amounts

    return history_amounts(session, customer_ids, start, end)


@hookimpl
def register_session_events():
    """The search words (legal person, contacts, pinyin initials) follow
    every change of a customer or a contact."""
    from .services.searchwords import before_flush

    return [("before_flush", before_flush)]
