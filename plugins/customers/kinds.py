"""The customers plugin's own kind; vertical plugins add theirs through
the ``customer_kinds`` hook (dealers: member, traditional, chains …)."""
from __future__ import annotations

from core.i18n import _l

GENERAL = "general"
BASE_KINDS = ((GENERAL, _l("General customer")),)
