"""Render processes for long documents.

A long document is cut at page breaks into parts (see ``paging.py``) and
the parts are laid out at the same time, one per CPU, in a small pool of
processes kept for the life of the web or job process.  WeasyPrint runs
its layout in pure Python, so threads would take turns on the GIL; separate
processes are the only way to use a second core for one document.

The pool is started lazily by the first long document, from a fork server
(a clean process, so the threads of the parent — the in-process job runner,
a web server — are never forked), and every worker loads the fonts once
when it starts.  The pool is replaced, between two documents, once it has
laid out ``MAX_TASKS`` parts, so memory a render leaves behind is returned
to the system.  (Not with ``max_tasks_per_child``: on Python 3.11–3.13
that can leave queued tasks waiting forever, CPython issue 115634.)
"""
from __future__ import annotations

import gc
import logging
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

log = logging.getLogger(__name__)

MAX_TASKS = 50

# -- inside a worker process -------------------------------------------------
_fetcher = None
_font_config = None


def _init(static_roots: dict[str, Path], warm_html: str | None) -> None:
    global _fetcher, _font_config
    from weasyprint.text.fonts import FontConfiguration

    from .fetcher import SafeURLFetcher

    _fetcher = SafeURLFetcher(static_roots)
    _font_config = FontConfiguration()
    if warm_html:
        try:
            write_pdf(warm_html)
        except Exception:  # a failed warm-up only costs time later
            log.exception("PDF worker warm-up failed")


def write_pdf(html: str, fetcher=None, font_config=None) -> bytes:
    """PDF bytes of one complete HTML document (in this process)."""
    from weasyprint import HTML

    # A layout allocates millions of small objects that live until the PDF
    # is written; the cyclic collector rescanning them all costs about 30 %
    # of the render (measured), so it waits until the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        doc = HTML(string=html, base_url=None, url_fetcher=fetcher or _fetcher)
        return doc.write_pdf(font_config=font_config or _font_config)
    finally:
        if collecting:
            gc.enable()


# -- in the parent -----------------------------------------------------------
class RenderPool:
    """``processes`` render workers, started on first use."""

    def __init__(self, processes: int, static_roots: dict[str, Path],
                 warm_html: str | None = None):
        self.processes = processes
        self._roots = static_roots
        self._warm_html = warm_html
        self._executor: ProcessPoolExecutor | None = None
        self._tasks = 0
        self._lock = threading.Lock()

    def _get(self, tasks: int) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is not None and self._tasks >= MAX_TASKS:
                old, self._executor = self._executor, None
                old.shutdown(wait=False)  # its workers exit once their parts are done
            if self._executor is None:
                self._tasks = 0
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(["weasyprint", "core.documents.pool"])
                self._executor = ProcessPoolExecutor(
                    max_workers=self.processes, mp_context=ctx, initializer=_init,
                    initargs=(self._roots, self._warm_html))
            self._tasks += tasks
            return self._executor

    def map(self, htmls: list[str]) -> list[bytes]:
        """The PDFs of ``htmls``, in order.  A broken pool (a worker killed,
        say by the out-of-memory killer) is replaced and the call retried
        once."""
        for attempt in (1, 2):
            executor = self._get(len(htmls))
            try:
                return list(executor.map(write_pdf, htmls))
            except BrokenProcessPool:
                log.warning("PDF render pool broke; starting a new one (attempt %d)", attempt)
                self.shutdown()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
