"""Hooks the `finance` plugin publishes for the plugins that post through it.

The host adds these specs before it registers plugins (the plugin module's
``HOOKSPECS``, see docs/plugins.md "Publishing your own hooks").  Called only
for enabled plugins, in no particular order.
"""
from __future__ import annotations

from core.hookspecs import hookspec


@hookspec
def finance_source_documents(session, sources):
    """Called by ``qudao finance verify`` with ``sources``, the ``source``
    strings of posted invoices (e.g. "dealers.order:17"); return
    ``plugins.finance.api.SourceDocument`` objects for the ones your plugin
    owns and ignore the rest.  Results are concatenated; verify reports an
    invoice whose amount differs from its document's, or a cancelled document
    whose invoice is still posted."""
