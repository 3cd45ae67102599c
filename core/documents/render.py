"""HTML → PDF.  Only this package (here and in ``pool.py``) calls WeasyPrint.

The renderer needs no Flask: its Jinja environment reads the ``templates/``
folder and the translation catalogue of every installed plugin itself, one
environment per locale, so documents render the same from a page, the CLI,
an in-process job thread or an RQ worker.  One FontConfiguration is kept
per renderer, so the CJK font is loaded once per process, not per PDF.
"""
from __future__ import annotations

import base64
import logging
import re
import threading
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from babel.support import NullTranslations, Translations
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined, pass_context
from markupsafe import Markup

from ..dates import format_date
from ..money import capitals, figures
from ..registry import Paging
from . import assemble, pool
from .fetcher import SafeURLFetcher, asset_url
from .paging import WHOLE, Chunk, page_starts, parallel, plan_parts

log = logging.getLogger(__name__)
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
    """Renders PDF templates of every installed plugin.

    A short document is laid out in this process; renders take a lock,
    because WeasyPrint's font map (Pango/fontconfig) is not safe to share
    between threads.  A long document whose spec declares ``paging`` is cut
    at planned page breaks into parts (``paging.py``): up to
    ``paging.MAX_PARALLEL_ROWS`` rows they are laid out at the same time in
    ``processes`` render processes (``pool.py``), beyond that (or when
    ``processes`` is 0 or 1) one after the other here — no layout holds more
    than ``paging.MAX_PART_ROWS`` rows, so memory stays bounded — and the
    parts are joined with their page numbers added (``assemble.py``)."""

    def __init__(self, host, timezone: str = "Asia/Shanghai", processes: int = 0):
        dirs = _package_dirs(host)
        self.template_dirs = [d / "templates" for _, d in dirs if (d / "templates").is_dir()]
        self.translation_dirs = [d / "translations" for _, d in dirs
                                 if (d / "translations").is_dir()]
        self.static_roots = {n: d / "static" for n, d in dirs if (d / "static").is_dir()}
        self.fetcher = SafeURLFetcher(self.static_roots)
        self.timezone = timezone
        self.processes = max(0, int(processes))
        #: template name → Paging, from the document specs (``install``)
        self.paging: dict[str, Paging] = {}
        self._loader = ChoiceLoader([FileSystemLoader(str(d)) for d in self.template_dirs])
        self._envs: dict[str, Environment] = {}
        self._translations: dict[str, NullTranslations] = {}
        self._env_lock = threading.Lock()
        self._render_lock = threading.Lock()
        self._pool_lock = threading.Lock()
        self._font_config = None
        self._pool = None
        self._stamps: dict[tuple[str, int], bytes] = {}

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
            if getattr(getattr(text, "_func", None), "__name__", "") == "pgettext" and len(args) > 1:
                # _lp(context, msgid): the word in its own context
                translated = self.translations(locale).pgettext(args[0], args[1])
            else:
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
                    date=pass_context(lambda ctx, v, style="short": format_date(
                        v, locale, style, tz=(ctx.get("doc") or {}).get("tz"))),
                    wallclock=lambda v, style="short": format_date(v, locale, style, wall=True),
                    css_string=css_string,
                )
                env.globals.update(asset_url=asset_url, css_page_counter=css_page_counter,
                                   css_string=css_string,
                                   locale=locale)
                self._envs[locale] = env
        return env

    def render_html(self, template: str, context: dict, locale: str) -> str:
        if "chunk" not in context:
            context = {**context, "chunk": WHOLE}
        paging = self.paging.get(template)
        if paging is not None and paging.grid is not None and "grid" not in context:
            context = {**context, "grid": paging.grid}
        return self.env(locale).get_template(template).render(context)

    def whole_html(self, template: str, context: dict, locale: str) -> str:
        """The document as one HTML file, page breaks planned: what is laid
        out when the document is not cut into parts."""
        paging = self._paging_of(template, context)
        starts = frozenset(page_starts(context[paging.rows], paging)) if paging else frozenset()
        return self.render_html(template, {**context, "chunk": Chunk(starts=starts)}, locale)

    def _paging_of(self, template: str, context: dict) -> Paging | None:
        paging = self.paging.get(template)
        if paging is None or not isinstance(context.get(paging.rows), list):
            return None
        return paging

    # -- PDF --------------------------------------------------------------
    def html_to_pdf(self, html: str) -> bytes:
        """PDF bytes of a complete HTML document, laid out in this process;
        external resources go through the safe fetcher only.  Relative URLs
        have no base and so resolve to nothing."""
        from weasyprint.text.fonts import FontConfiguration

        with self._render_lock:
            if self._font_config is None:
                self._font_config = FontConfiguration()
            return pool.write_pdf(html, self.fetcher, self._font_config)

    def warm(self) -> None:
        """Load the fonts now (a worker does this before forking job processes)."""
        self.html_to_pdf(self._warm_html())

    def _warm_html(self) -> str:
        from datetime import datetime

        ctx = {"doc": {"spec": "core.warm", "number": None, "title": "渠道 Qudao",
                       "issued_at": datetime(2000, 1, 1), "issued_on": datetime(2000, 1, 1).date(),
                       "issuer": "", "record_id": ""},
               "company": {"name": "渠道", "address": "", "phone": "", "tax_number": "",
                           "logo": None},
               "lang": "zh-CN"}
        return self.render_html("documents/pdf/base.html", ctx, "zh_CN")

    def render(self, template: str, context: dict, locale: str) -> bytes:
        if "chunk" in context:
            raise TypeError("build_context must not set 'chunk'; the renderer does")
        paging = self._paging_of(template, context)
        if paging is None:
            return self.html_to_pdf(self.render_html(template, context, locale))
        rows = context[paging.rows]
        starts = page_starts(rows, paging)
        parts = plan_parts(len(rows), starts, self.processes)
        if len(parts) == 1:
            chunk = Chunk(starts=frozenset(starts))
            return self.html_to_pdf(self.render_html(template, {**context, "chunk": chunk}, locale))
        starts_set = frozenset(starts)
        htmls = [self.render_html(template, {**context, paging.rows: rows[a:b],
                                             "chunk": Chunk(i, len(parts), a, starts_set)}, locale)
                 for i, (a, b) in enumerate(parts)]
        pdfs = None
        if parallel(len(rows), self.processes):
            try:
                pdfs = self._get_pool().map(htmls)
            except (OSError, BrokenProcessPool) as exc:
                # No render processes here (no /dev/shm in a container, say):
                # the same parts, one after another, in this process.
                log.warning("PDF render processes unavailable (%s); laying out here", exc)
                self.processes = 0
        if pdfs is None:
            pdfs = [self.html_to_pdf(h) for h in htmls]
        del htmls
        return assemble.join(pdfs, lambda pages, size: self.page_numbers(pages, locale, size))

    def page_numbers(self, pages: int, locale: str,
                     size: tuple[int, int] | None = None) -> bytes:
        """A PDF of ``pages`` empty pages with only "page n of N" in the
        footer, laid over a joined document; ``size`` (width, height in
        points) is the document's page size, A4 upright when not given.
        Kept per (locale, pages, size)."""
        key = (locale, pages, size)
        pdf = self._stamps.get(key)
        if pdf is None:
            html = self.render_html("documents/pdf/page_numbers.html",
                                    {"pages": pages, "size": size,
                                     "lang": "zh-CN" if locale.startswith("zh") else "en"},
                                    locale)
            pdf = self.html_to_pdf(html)
            if len(self._stamps) >= 64:
                self._stamps.pop(next(iter(self._stamps)))
            self._stamps[key] = pdf
        return pdf

    def _get_pool(self):
        if self._pool is None:
            warm_html = self._warm_html()
            with self._pool_lock:
                if self._pool is None:
                    self._pool = pool.RenderPool(self.processes, self.static_roots, warm_html)
        return self._pool

    def close(self) -> None:
        """Stop the render processes, if any were started."""
        if self._pool is not None:
            self._pool.shutdown()
