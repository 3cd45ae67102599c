"""Locale selection: the user's own choice, else the session's, else zh_CN."""
from __future__ import annotations

from babel import Locale, support
from flask import g, has_request_context, session
from flask_babel import Domain, _get_current_context, get_locale
from flask_login import current_user

LOCALES = ("zh_CN", "en")


class CatalogueDomain(Domain):
    """Finds the catalogues filed under ``zh_CN``: Babel resolves "zh_CN" to
    the locale ``zh_Hans_CN``, a directory name Flask-Babel would look for
    in vain, leaving every page in English."""

    def get_translations(self):
        # Every _() in a template lands here: remember this request's
        # catalogue next to the locale it is for (force_locale swaps the
        # locale object, so a forced language is never served from it).
        try:
            state = g._get_current_object().__dict__.get("_flask_babel")
        except RuntimeError:  # no app context
            state = None
        if state is not None:
            memo = state.__dict__.get("qudao_translations")
            if memo is not None and memo[0] is state.__dict__.get("babel_locale"):
                return memo[1]
        ctx = _get_current_context()
        locale = get_locale()
        if locale is None:
            return support.NullTranslations()
        found = self._catalogue(locale)
        if ctx is not None:
            ctx.qudao_translations = (locale, found)
        return found

    def _catalogue(self, locale):
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

    def install_jinja(self, app) -> None:
        """Templates' ``_()`` straight to this domain (Flask-Babel's own
        callables look the domain up again for every string)."""
        app.jinja_env.install_gettext_callables(
            gettext=lambda s: self.get_translations().ugettext(s),
            ngettext=lambda s, p, n: self.get_translations().ungettext(s, p, n),
            newstyle=True,
            pgettext=lambda c, s: self.get_translations().upgettext(c, s),
            npgettext=lambda c, s, p, n: self.get_translations().unpgettext(c, s, p, n),
        )


def select_locale() -> str:
    if not has_request_context():  # CLI, jobs: the company's language
        return "zh_CN"
    if getattr(current_user, "is_authenticated", False) and current_user.locale in LOCALES:
        return current_user.locale
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

__all__ = ["LOCALES", "CatalogueDomain", "select_locale", "select_locale_parsed",
           "select_timezone", "_", "_l"]
