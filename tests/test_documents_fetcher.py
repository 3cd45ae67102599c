"""The PDF URL fetcher serves packaged assets and data: URLs only.  Hostile
HTML (local files, the network, redirects, attachments) still gives a PDF,
without the resource, and nothing is contacted."""
import base64
import http.server
import threading

import pytest

from core.documents.fetcher import RefusedURL, SafeURLFetcher, asset_url
from core.documents.render import PdfRenderer
from core.plugins import PluginHost
from qddocs import helpers

PNG = helpers.PNG


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list = []

    def do_GET(self):  # noqa: N802 - http.server API
        self.hits.append(self.path)
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        body = b"root:x:0:0:LEAKED\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def listener():
    """A local HTTP server that records every request it receives."""
    handler = type("Recorder", (_Recorder,), {"hits": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], handler.hits
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def renderer():
    return PdfRenderer(PluginHost(only=[]))


def _render_within(renderer, html: str, seconds: float = 60) -> bytes:
    """Render in a thread: a hostile resource must not hang the rendering."""
    out = {}
    t = threading.Thread(target=lambda: out.setdefault("pdf", renderer.html_to_pdf(html)),
                         daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"rendering did not finish within {seconds} s"
    return out["pdf"]


def test_hostile_html_gives_a_pdf_without_the_resources_and_no_network_hit(renderer, listener):
    port, hits = listener
    base = f"http://127.0.0.1:{port}"
    html = f"""<!doctype html><html lang="zh-CN"><head>
      <link rel="stylesheet" href="{base}/style.css">
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="attachment" href="file:///etc/passwd" title="passwd">
      <link rel="attachment" href="{base}/attach">
      <style>@import url("{base}/import.css"); @import url("{base}/redirect");
        body {{ background: url("{base}/bg.png"); font-family: "Noto Sans CJK SC"; }}
        @font-face {{ font-family: evil; src: url("{base}/font.woff"); }}</style>
      </head><body>
      <p>危险的输入</p>
      <img src="file:///etc/passwd"><img src="/etc/passwd"><img src="../../../../etc/passwd">
      <img src="{base}/img.png"><img src="{base}/redirect">
      <img src="https://127.0.0.1:{port}/tls.png">
      <img src="{asset_url('core', '../../../../../etc/passwd')}">
      <img src="{asset_url('core', 'core/../../../pyproject.toml')}">
      <object data="file:///etc/passwd"></object><embed src="{base}/embed">
      <iframe src="file:///etc/passwd"></iframe>
      <a href="{base}/link">链接</a>
      </body></html>"""
    pdf = _render_within(renderer, html)
    assert pdf.startswith(b"%PDF-")
    assert hits == [], f"the fetcher contacted the network: {hits}"
    content = helpers.all_bytes(pdf)
    assert b"root:x:0:0" not in content
    assert b"LEAKED" not in content
    assert b"/EmbeddedFile" not in pdf
    assert b"/Image" not in content  # no picture made it in


def test_a_redirect_target_is_never_fetched_either(renderer, listener):
    port, hits = listener
    fetcher = renderer.fetcher
    for url in (f"http://127.0.0.1:{port}/redirect", "file:///etc/passwd",
                "file://localhost/etc/passwd", "ftp://127.0.0.1/x", "gopher://x",
                "qudao-asset:nosuchplugin/x.png", "qudao-asset:core/%2e%2e/%2e%2e/app.py",
                "file:///usr/share/fonts/../../../etc/passwd", "javascript:alert(1)"):
        with pytest.raises(RefusedURL):
            fetcher(url)
    assert hits == []


def test_packaged_assets_and_data_urls_are_served(renderer, tmp_path):
    css = renderer.fetcher(asset_url("core", "core/qudao.css"))
    assert b"Qudao base styles" in css.read()
    data = renderer.fetcher("data:image/png;base64," + base64.b64encode(PNG).decode())
    assert data.read() == PNG
    pdf = _render_within(renderer, '<html><body><img src="data:image/png;base64,'
                         + base64.b64encode(PNG).decode() + '"></body></html>')
    assert b"/Image" in helpers.all_bytes(pdf)


def test_a_plugins_static_folder_is_reachable_but_nothing_beside_it(tmp_path):
    static = tmp_path / "static"
    (static / "img").mkdir(parents=True)
    (static / "img" / "seal.png").write_bytes(PNG)
    (tmp_path / "secret.txt").write_text("secret")
    fetcher = SafeURLFetcher({"demo": static})
    assert fetcher(asset_url("demo", "img/seal.png")).read() == PNG
    with pytest.raises(RefusedURL):
        fetcher(asset_url("demo", "../secret.txt"))
    link = static / "link.txt"
    link.symlink_to(tmp_path / "secret.txt")
    with pytest.raises(RefusedURL):
        fetcher(asset_url("demo", "link.txt"))


def test_system_fonts_are_allowed_only_as_fonts(tmp_path):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "real.otf").write_bytes(b"OTTO" + b"\0" * 64)
    (fonts / "fake.ttf").write_bytes(b"root:x:0:0\n")
    (tmp_path / "outside.otf").write_bytes(b"OTTO" + b"\0" * 64)
    fetcher = SafeURLFetcher({}, font_dirs=[fonts])
    assert fetcher((fonts / "real.otf").as_uri()).read().startswith(b"OTTO")
    for bad in (fonts / "fake.ttf", tmp_path / "outside.otf"):
        with pytest.raises(RefusedURL):
            fetcher(bad.as_uri())
