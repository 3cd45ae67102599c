"""The language of a request: the signed-in user's own choice, else the
session's, else zh_CN (Flask-Babel's locale selector)."""
from __future__ import annotations

from babel import Locale
from flask import has_request_context, session

from ..i18n import LOCALES
from .request import signed_in


def select_locale() -> str:
    if not has_request_context():  # CLI, jobs: the company's language
        return "zh_CN"
    user = signed_in()
    if getattr(user, "is_authenticated", False) and user.locale in LOCALES:
        return user.locale
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else "zh_CN"


#: Parsed once: ``Locale.parse("zh_CN")`` scans Babel's whole list of
#: locales (there is no ``zh_CN`` data file), a third of a millisecond on
#: every request when Flask-Babel parses the selector's answer.
_PARSED = {code: Locale.parse(code) for code in LOCALES}


def select_locale_parsed() -> Locale:
    """The locale selector given to Flask-Babel: ``select_locale`` as a
    ready ``babel.Locale`` (Flask-Babel passes a Locale through as is)."""
    return _PARSED[select_locale()]
