"""HTML → PDF.  The only module in Qudao that calls WeasyPrint.

The renderer needs no Flask: its Jinja environment reads the ``templates/``
folder and the translation catalogue of every installed plugin itself, one
environment per locale, so documents render the same from a page, the CLI,
an in-process job thread or an RQ worker.  One FontConfiguration is kept
per renderer, so the CJK font is loaded once per process, not per PDF.
"""
from __future__ import annotations

import base64
import gc
import re
import threading
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..dates import format_date
from ..money import capitals, figures
from .fetcher import SafeURLFetcher, asset_url

_CSS_UNSAFE = re.compile(r'[\\"\n\r\f<>]')


def css_string(text: Any) -> Markup:
    """``text`` as a quoted CSS string, safe inside ``<style>``."""
    body = _CSS_UNSAFE.sub(lambda m: "\\%x " % ord(m.group()), str(text))
    return Markup(f'"{body}"')


def css_page_counter(text: Any) -> Markup:
    """A translated ``"Page {page} of {pages}"`` as a CSS ``content`` value
    with the page counters in place of the placeholders."""
    parts = re.split(r"(\{page\}|\{pages\})", str(text))
    out = []
    for part in parts:
        if part == "{page}":
            out.append("counter(page)")
        elif part == "{pages}":
            out.append("counter(pages)")
        elif part:
            out.append(css_string(part))
    return Markup(" ".join(out) or '""')


def data_url(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _package_dirs(host) -> list[tuple[str, Path]]:
    """(plugin, package folder) of every installed plugin that has files."""
    out = []
    for name in host.order:
        file = getattr(host.modules[name], "__file__", None)
        if file:
            out.append((name, Path(file).parent))
    return out


class PdfRenderer:
    """Renders PDF templates of every installed plugin.  Thread-safe: renders
    take a lock, because WeasyPrint's font map (Pango/fontconfig) is not safe
    to share between threads and the GIL would serialise the work anyway —
    several CPUs are used through several processes (RQ workers)."""

    def __init__(self, host, timezone: str = "Asia/Shanghai"):
        dirs = _package_dirs(host)
        self.template_dirs = [d / "templates" for _, d in dirs if (d / "templates").is_dir()]
        self.translation_dirs = [d / "translations" for _, d in dirs
                                 if (d / "translations").is_dir()]
        self.fetcher = SafeURLFetcher({n: d / "static" for n, d in dirs if (d / "static").is_dir()})
        self.timezone = timezone
        self._loader = ChoiceLoader([FileSystemLoader(str(d)) for d in self.template_dirs])
        self._envs: dict[str, Environment] = {}
        self._translations: dict[str, NullTranslations] = {}
        self._env_lock = threading.Lock()
        self._render_lock = threading.Lock()
        self._font_config = None

    # -- templates --------------------------------------------------------
    def translations(self, locale: str) -> NullTranslations:
        t = self._translations.get(locale)
        if t is None:
            t = NullTranslations()
            for d in self.translation_dirs:
                found = Translations.load(str(d), [locale])
                if isinstance(found, Translations):
                    t = found if not isinstance(t, Translations) else t.merge(found)
            self._translations[locale] = t
        return t

    def gettext(self, text: Any, locale: str) -> str:
        """Translate a source string, or a Flask-Babel lazy string by its msgid."""
        args = getattr(text, "_args", None)
        if args and isinstance(args[0], str) and hasattr(text, "_func"):
            translated = self.translations(locale).gettext(args[0])
            kwargs = getattr(text, "_kwargs", None)
            return translated % kwargs if kwargs else translated
        if isinstance(text, str):
            return self.translations(locale).gettext(text)
        return str(text)

    def env(self, locale: str) -> Environment:
        with self._env_lock:
            env = self._envs.get(locale)
            if env is None:
                env = Environment(loader=self._loader, autoescape=True,
                                  undefined=StrictUndefined, extensions=["jinja2.ext.i18n"])
                env.install_gettext_translations(self.translations(locale), newstyle=True)
                env.filters.update(
                    money=figures,
                    capitals=capitals,
                    date=lambda v, style="short": format_date(v, locale, style),
                    css_string=css_string,
                )
                env.globals.update(asset_url=asset_url, css_page_counter=css_page_counter,
                                   css_string=css_string,
                                   locale=locale)
                self._envs[locale] = env
        return env

    def render_html(self, template: str, context: dict, locale: str) -> str:
        return self.env(locale).get_template(template).render(context)

    # -- PDF --------------------------------------------------------------
    def html_to_pdf(self, html: str) -> bytes:
        """PDF bytes of a complete HTML document; external resources go
        through the safe fetcher only.  Relative URLs have no base and so
        resolve to nothing."""
        from weasyprint import HTML
        from weasyprint.text.fonts import FontConfiguration

        with self._render_lock:
            if self._font_config is None:
                self._font_config = FontConfiguration()
            # A layout allocates millions of small objects that live until the
            # PDF is written; the cyclic collector rescanning them all costs
            # about 30 % of the render (measured), so it waits until the end.
            collecting = gc.isenabled()
            gc.disable()
            try:
                doc = HTML(string=html, base_url=None, url_fetcher=self.fetcher)
                return doc.write_pdf(font_config=self._font_config)
            finally:
                if collecting:
                    gc.enable()

    def warm(self) -> None:
        """Load the fonts now (a worker does this before forking job processes)."""
        from datetime import datetime

        ctx = {"doc": {"spec": "core.warm", "number": None, "title": "渠道 Qudao",
                       "issued_at": datetime(2000, 1, 1), "issued_on": datetime(2000, 1, 1).date(),
                       "issuer": "", "record_id": ""},
               "company": {"name": "渠道", "address": "", "phone": "", "tax_number": "",
                           "logo": None},
               "lang": "zh-CN"}
        self.render("documents/pdf/base.html", ctx, "zh_CN")

    def render(self, template: str, context: dict, locale: str) -> bytes:
        return self.html_to_pdf(self.render_html(template, context, locale))
