"""Translation domains, the request's locale and the ``_``/``_l`` services raise
messages through (the locale selector is ``core.web.locale``).

Templates translate through Jinja's i18n extension with the "newstyle"
callables Flask-Babel installs (``{{ _('…') }}``, ``gettext``,
``ngettext``, ``pgettext``); they read this module's domain."""
from __future__ import annotations

from babel import support
from flask_babel import Domain, get_locale

LOCALES = ("zh_CN", "en")


class CatalogueDomain(Domain):
    """Finds the catalogues filed under ``zh_CN``: Babel resolves "zh_CN" to
    the locale ``zh_Hans_CN``, a directory name Flask-Babel would look for
    in vain, leaving every page in English.  The merged catalogue of every
    plugin is kept per locale in ``self.cache`` (Flask-Babel's own cache)."""

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


def request_locale():
    """The locale of this request (Flask-Babel's ``get_locale()``)."""
    return get_locale()


def current_locale() -> str:
    """The request's language as one of LOCALES.  Babel names zh_CN
    "zh_Hans_CN", so ``str(get_locale())`` must not be passed on as a locale."""
    return "en" if str(get_locale() or "zh").startswith("en") else "zh_CN"


def select_timezone() -> str:
    """Flask-Babel's zone: the company's (``core.clock``)."""
    from .clock import zone

    return zone()


# Services raise messages through these so a user reads them in their own
# language; outside a request they fall back to the English source text.
from flask_babel import gettext as _  # noqa: E402
from flask_babel import lazy_gettext as _l  # noqa: E402
from flask_babel import lazy_pgettext as _lp  # noqa: E402 - a word with its context: _lp("customer status", "Active")

__all__ = ["LOCALES", "CatalogueDomain", "request_locale", "select_timezone", "_", "_l", "_lp"]
