"""The hooks a Qudao plugin may implement.

Every hook is called only for *enabled* plugins (plus core), in no particular
order: no hook relies on order.  Each spec says when it is called, what it
returns and how results combine.  ``docs/plugins.md`` documents each with its
exact signature; ``tests/test_docs.py`` fails when one is missing.
"""
from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("qudao")
hookimpl = pluggy.HookimplMarker("qudao")


@hookspec
def register_blueprints(app):
    """At start-up, for every installed plugin: return a list of Blueprints (concatenated)."""


@hookspec
def register_models():
    """At start-up, for every installed plugin: return its mapped classes (concatenated)."""


@hookspec
def register_permissions():
    """Return ``Permission`` objects (concatenated); a duplicate code is a start-up error."""


@hookspec
def register_roles():
    """Return ``RoleSpec`` objects for roles the plugin needs besides the five defaults."""


@hookspec
def menu_items(menu, user):
    """Return ``MenuItem``s for the named menu (concatenated, sorted by sequence).
    Cached per (menu, enabled set, the user's permission codes, language):
    the same items for every user; who sees an item is its ``permission``."""


@hookspec
def scope_query(model, user, action):
    """Return a list of SQL WHERE clauses limiting ``model`` rows for ``user`` (all ANDed)."""


@hookspec
def register_documents():
    """Return ``DocumentSpec`` objects (concatenated); only core renders PDFs."""


@hookspec
def register_sequences():
    """Return ``SequenceSpec`` objects: numbering patterns like ``INV/{year}/{n:05}``."""


@hookspec
def register_settings():
    """Return ``SettingSpec`` objects: typed settings an admin edits on the web."""


@hookspec
def register_audit_labels():
    """Return ``AuditLabels`` objects: how the change history names the
    plugin's audited tables, their fields and stored codes (concatenated;
    called once at start-up for every installed plugin)."""


@hookspec
def register_job_handlers():
    """Return a dict ``{kind: callable(ctx, **params)}`` of background job handlers (merged)."""


@hookspec
def register_session_events():
    """Return ``(event_name, listener)`` pairs that the app attaches, at start-up,
    to its own sessionmaker (``sqlalchemy.event.listen``); never to every
    ``Session`` in the process.  Listeners must be cheap and harmless while the
    plugin is disabled."""


@hookspec
def handle_event(event):
    """After a commit, react to a domain ``Event``; must be safe to run twice. Return ignored."""


@hookspec
def register_commands(cli):
    """At start-up, add Click commands to the ``qudao`` group ``cli``. Return ignored."""


@hookspec
def dashboard_widgets(session, user):
    """Per request to the home page, with the request's ``session`` and the signed-in
    ``user``: return ``Widget`` objects (concatenated, sorted by sequence)."""


@hookspec
def load_demo_data(session, context):
    """On ``qudao init --demo``: add demo rows; plugins are called in dependency order."""


@hookspec
def register_pickers():
    """Return ``PickerSpec`` objects (concatenated): the kinds of record a form
    chooses with the scoped search-as-you-type picker; a duplicate kind is an error."""
