"""Hooks the `customers` plugin publishes for other plugins.

The host adds these specs before it registers plugins (a plugin module's
``HOOKSPECS`` attribute, see docs/plugins.md "Publishing your own hooks").
Called only for enabled plugins, in no particular order.
"""
from __future__ import annotations

from core.hookspecs import hookspec


@hookspec
def customer_kinds():
    """Return ``[(code, label), ...]`` customer kinds this plugin adds (concatenated)."""


@hookspec
def customer_purchase_amounts(session, customer_ids, start, end):
    """Return ``{customer_id: Decimal}`` purchases in ``[start, end)`` (dates);
    ``customer_ids`` is a SELECT of ids to use with ``.in_()``.  Amounts of all
    plugins are summed per customer; feeds the ABC grading."""


@hookspec
def customer_panels(session, customer, user):
    """Per customer page: return ``CustomerPanel`` objects (title, template,
    plain-data context, sequence) shown on the customer page (concatenated,
    sorted by sequence).  A hookimpl may take only ``customer, user``."""
