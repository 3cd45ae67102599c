"""The `finance` plugin: its MANIFEST and thin hook implementations.
What it registers (permissions, settings, sequences, menus, documents, job
handlers, session listeners) is declared in ``declarations.py``."""
from __future__ import annotations

from core.hookspecs import hookimpl
from core.registry import Manifest

from . import hookspecs as _hookspecs

MANIFEST = Manifest(
    name="finance",
    label_zh="财务",
    label_en="Finance",
    version="0.1.0",
    depends=('customers',),
    description="Double-entry ledgers, credit lines, rebates, statements, aging, budgets.",
    description_zh="复式记账、信用额度、返利、对账单、账龄、预算。",
)

#: Published hooks (finance_source_documents).
HOOKSPECS = _hookspecs


@hookimpl
def register_models():
    from .models import ALL_MODELS

    return list(ALL_MODELS)


@hookimpl
def register_permissions():
    from .declarations import PERMISSIONS

    return list(PERMISSIONS)


@hookimpl
def register_sequences():
    from .declarations import sequences

    return sequences()


@hookimpl
def register_settings():
    from .declarations import SETTINGS

    return list(SETTINGS)


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
def customer_panels(session, customer, user):
    from .widgets import customer_panel

    return customer_panel(session, customer, user)


@hookimpl
def register_documents():
    from .declarations import documents

    return documents()


@hookimpl
def register_job_handlers():
    from .declarations import job_handlers

    return job_handlers()


@hookimpl
def register_commands(cli):
    from .cli import finance_group

    cli.add_command(finance_group)


@hookimpl
def load_demo_data(session, context):
    from .demo import load

    load(session, context)


@hookimpl
def register_session_events():
    from .declarations import session_events

    return session_events()
