"""The four dealer kinds this plugin registers into customers (seed 000 §三.1)."""
from __future__ import annotations

from core.i18n import _l

from .models.network import CHAIN_LOCAL, CHAIN_NATIONAL, MEMBER, TRADITIONAL


def dealer_kinds() -> list[tuple[str, object]]:
    return [
        (MEMBER, _l("Member customer")),
        (TRADITIONAL, _l("Traditional customer")),
        (CHAIN_NATIONAL, _l("National chain")),
        (CHAIN_LOCAL, _l("Local chain")),
    ]
