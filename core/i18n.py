"""Locale selection: the user's own choice, else the session's, else zh_CN."""
from __future__ import annotations

from flask import session
from flask_login import current_user

LOCALES = ("zh_CN", "en")


def select_locale() -> str:
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else "zh_CN"


def select_timezone() -> str:
    return "Asia/Shanghai"


# Services raise messages through these so a user reads them in their own
# language; outside a request they fall back to the English source text.
from flask_babel import gettext as _  # noqa: E402
from flask_babel import lazy_gettext as _l  # noqa: E402

__all__ = ["LOCALES", "select_locale", "select_timezone", "_", "_l"]
