"""Locale selection: the user's own choice, else the session's, else zh_CN."""
from __future__ import annotations

from babel import support
from flask import has_request_context, session
from flask_babel import Domain, get_locale
from flask_login import current_user

LOCALES = ("zh_CN", "en")


class CatalogueDomain(Domain):
    """Finds the catalogues filed under ``zh_CN``: Babel resolves "zh_CN" to
    the locale ``zh_Hans_CN``, a directory name Flask-Babel would look for
    in vain, leaving every page in English."""

    def get_translations(self):
        locale = get_locale()
        if locale is None:
            return support.NullTranslations()
        key = str(locale)
        found = self.cache.get(key)
        if found is None:
            names = [key]
            if locale.territory:
                names.append(f"{locale.language}_{locale.territory}")
            names.append(locale.language)
            found = support.Translations()
            for dirname in self.translation_directories:
                catalog = support.Translations.load(dirname, names, self.domain[0])
                found.merge(catalog)
                if hasattr(catalog, "plural"):
                    found.plural = catalog.plural
            self.cache[key] = found
        return found


def select_locale() -> str:
    if not has_request_context():  # CLI, jobs: the company's language
        return "zh_CN"
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LOCALES:
        return current_user.locale
    chosen = session.get("locale")
    return chosen if chosen in LOCALES else "zh_CN"


def current_locale() -> str:
    """The request's language as one of LOCALES.  Babel names zh_CN
    "zh_Hans_CN", so ``str(get_locale())`` must not be passed on as a locale."""
    from flask_babel import get_locale

    return "en" if str(get_locale() or "zh").startswith("en") else "zh_CN"


def select_timezone() -> str:
    return "Asia/Shanghai"


# Services raise messages through these so a user reads them in their own
# language; outside a request they fall back to the English source text.
from flask_babel import gettext as _  # noqa: E402
from flask_babel import lazy_gettext as _l  # noqa: E402

__all__ = ["LOCALES", "CatalogueDomain", "select_locale", "select_timezone", "_", "_l"]
