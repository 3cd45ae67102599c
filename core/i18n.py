"""Translation domains, the request's locale and the ``_``/``_l`` services raise
messages through (the locale selector is ``core.web.locale``)."""
from __future__ import annotations

from babel import support
from flask import g, has_app_context
from flask_babel import Domain, get_locale
from jinja2 import pass_eval_context
from markupsafe import Markup

LOCALES = ("zh_CN", "en")


class CatalogueDomain(Domain):
    """Finds the catalogues filed under ``zh_CN``: Babel resolves "zh_CN" to
    the locale ``zh_Hans_CN``, a directory name Flask-Babel would look for
    in vain, leaving every page in English."""

    def get_translations(self):
        # Every _() in a template lands here: remember this app context's
        # catalogue next to the locale it is for (force_locale makes another
        # locale object, so a forced language is never served from it).
        locale = get_locale()
        if locale is None:
            return support.NullTranslations()
        if not has_app_context():
            return self._catalogue(locale)
        memo = g.get("_qudao_translations")
        if memo is not None and memo[0] is locale:
            return memo[1]
        found = self._catalogue(locale)
        g._qudao_translations = (locale, found)
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
        callables look the domain up again for every string).

        Jinja's own "newstyle" callables take the template context, and in
        a block that sets a variable every call copies that context first
        (``Context.derived``); these take the evaluation context only, which
        is all they need to know (autoescaping).  The semantics are
        Jinja's newstyle ones: under autoescaping the translation is
        trusted markup and the keyword arguments are escaped into it; the
        string is always %-formatted.  A call without arguments is
        answered from a memo per (catalogue, string, autoescape)."""
        env = app.jinja_env
        env.install_gettext_callables(
            gettext=lambda s: self.get_translations().ugettext(s),
            ngettext=lambda s, p, n: self.get_translations().ungettext(s, p, n),
            newstyle=True,
            pgettext=lambda c, s: self.get_translations().upgettext(c, s),
            npgettext=lambda c, s, p, n: self.get_translations().unpgettext(c, s, p, n),
        )
        domain = self
        memo: dict = {}

        def fmt(eval_ctx, rv: str, variables: dict):
            if eval_ctx.autoescape:
                rv = Markup(rv)
            return rv % variables

        def make_gettext(catalogue):
            """``gettext`` for templates; ``catalogue`` None: look the
            request's catalogue up on every call."""

            @pass_eval_context
            def gettext(__eval_ctx, __string: str, **variables):
                t = domain.get_translations() if catalogue is None else catalogue
                if variables:
                    return fmt(__eval_ctx, t.ugettext(__string), variables)
                key = (id(t), __string, __eval_ctx.autoescape)
                hit = memo.get(key)
                if hit is None or hit[0] is not t:
                    if len(memo) >= 20_000:
                        memo.clear()
                    hit = memo[key] = (t, fmt(__eval_ctx, t.ugettext(__string), {}))
                return hit[1]

            return gettext

        self._make_gettext = make_gettext
        gettext = make_gettext(None)

        @pass_eval_context
        def ngettext(__eval_ctx, __singular: str, __plural: str, __num: int, **variables):
            variables.setdefault("num", __num)
            rv = domain.get_translations().ungettext(__singular, __plural, __num)
            return fmt(__eval_ctx, rv, variables)

        @pass_eval_context
        def pgettext(__eval_ctx, __string_ctx: str, __string: str, **variables):
            variables.setdefault("context", __string_ctx)
            rv = domain.get_translations().upgettext(__string_ctx, __string)
            return fmt(__eval_ctx, rv, variables)

        @pass_eval_context
        def npgettext(__eval_ctx, __string_ctx: str, __singular: str, __plural: str,
                      __num: int, **variables):
            variables.setdefault("context", __string_ctx)
            variables.setdefault("num", __num)
            rv = domain.get_translations().unpgettext(__string_ctx, __singular, __plural, __num)
            return fmt(__eval_ctx, rv, variables)

        # ``_`` is Jinja's alias that looks ``gettext`` up in the context
        # again: point it at the function itself.
        env.globals.update(gettext=gettext, _=gettext, ngettext=ngettext,
                           pgettext=pgettext, npgettext=npgettext)

    def template_gettext(self) -> dict:
        """For a request's context processor: ``_`` and ``gettext`` bound to
        the catalogue of the language the template is rendered in (looked
        up once per render, not once per string).  Templates imported
        without context use the global ones, which look it up per call."""
        f = self._make_gettext(self.get_translations())
        return {"_": f, "gettext": f}


def request_locale():
    """The locale of this request (Flask-Babel's ``get_locale()``)."""
    return get_locale()


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

__all__ = ["LOCALES", "CatalogueDomain", "request_locale", "select_timezone", "_", "_l"]
