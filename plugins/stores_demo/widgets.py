"""Home-page widgets of the key-account department."""
from __future__ import annotations


def widgets(session, user) -> list:
    from .widgets_accounts import account_widgets

    out: list = []
    out += account_widgets(session, user)
    return out
