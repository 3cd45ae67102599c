"""The only way a PDF template reaches a resource.

Allowed: ``data:`` URLs and ``qudao-asset:<plugin>/<path>`` — a file under
that installed plugin's ``static/`` folder (core's included).  Everything
else is refused before any I/O: no network (so no redirects either), no
``file:`` URLs, no path escaping the static folder.  A refused resource is
left out of the PDF and the rendering carries on (issue 3, scope 2).

One narrow exception: WeasyPrint turns ``@font-face { src: local(...) }``
into a ``file:`` URL of the font fontconfig found.  Such a URL is served
only when it points into a system font directory *and* the bytes are a
font (magic number checked), so the CJK font the set-up step installs can
be declared with ``@font-face`` while ``file:///etc/passwd`` stays refused.
"""
from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request, url2pathname

from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

SCHEME = "qudao-asset"
#: Larger resources are refused: a PDF template has no business with them.
MAX_BYTES = 8 * 1024 * 1024
FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2")
FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"wOFF", b"wOF2")
MAX_FONT_BYTES = 64 * 1024 * 1024


class RefusedURL(ValueError):
    """WeasyPrint catches this, warns and renders without the resource."""


def asset_url(plugin: str, path: str) -> str:
    """``asset_url("core", "print/logo.png")`` → ``qudao-asset:core/print/logo.png``."""
    return f"{SCHEME}:{plugin}/{path.lstrip('/')}"


class SafeURLFetcher(URLFetcher):
    """WeasyPrint URL fetcher limited to packaged assets and ``data:`` URLs."""

    def __init__(self, static_roots: dict[str, Path], font_dirs=FONT_DIRS):
        # No handlers at all: nothing here may ever open a socket or a file
        # outside the roots, whatever the parent class would do by default.
        self.handlers = []
        self.handle_open = {}
        self.handle_error = {}
        self.process_response = {}
        self.process_request = {}
        self._timeout = 5
        self._http_headers = {}
        self._allowed_protocols = ("data", SCHEME)
        self._fail_on_errors = False
        self._request = None
        self.roots = {name: root.resolve() for name, root in static_roots.items()}
        self.font_dirs = tuple(Path(d).resolve() for d in font_dirs)

    def resolve(self, url: str) -> Path:
        """The file an asset URL names, or RefusedURL."""
        rest = url[len(SCHEME) + 1:].split("?", 1)[0].split("#", 1)[0]
        plugin, _, rel = unquote(rest).lstrip("/").partition("/")
        root = self.roots.get(plugin)
        if root is None or not rel or "\x00" in rel:
            raise RefusedURL(f"unknown asset: {url}")
        path = (root / rel).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            raise RefusedURL(f"asset outside the package or missing: {url}")
        if path.stat().st_size > MAX_BYTES:
            raise RefusedURL(f"asset too large: {url}")
        return path

    def font_file(self, url: str) -> bytes:
        """The bytes of a system font named by a ``file:`` URL, or RefusedURL."""
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused URL: {url[:200]}")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if (path.suffix.lower() not in FONT_SUFFIXES or not path.is_file()
                or not any(path.is_relative_to(d) for d in self.font_dirs)
                or path.stat().st_size > MAX_FONT_BYTES):
            raise RefusedURL(f"refused URL: {url[:200]}")
        data = path.read_bytes()
        if not data.startswith(FONT_MAGIC):
            raise RefusedURL(f"not a font: {url[:200]}")
        return data

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].strip().lower() if ":" in url else ""
        if scheme == "data":
            if len(url) > MAX_BYTES * 2:
                raise RefusedURL("data: URL too large")
            resp = DataHandler().data_open(Request(url))
            return URLFetcherResponse(url, resp.read(), dict(resp.headers.items()))
        if scheme == SCHEME:
            path = self.resolve(url)
            ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": ctype})
        if scheme == "file":
            try:
                return URLFetcherResponse(url, self.font_file(url),
                                          {"Content-Type": "font/sfnt"})
            except RefusedURL:
                log.warning("PDF resource refused: %.200s", url)
                raise
        log.warning("PDF resource refused: %.200s", url)
        raise RefusedURL(f"refused URL: {url[:200]}")

    def open(self, url, data=None, timeout=None):  # pragma: no cover - never used
        raise RefusedURL("the PDF fetcher does not open requests")
