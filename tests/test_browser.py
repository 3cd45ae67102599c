"""End to end in headless Chromium: an admin switches a plugin off and on
again on /admin/plugins and watches its main-menu entry vanish and return."""
import threading

import pytest
from werkzeug.serving import make_server

from conftest import PASSWORD
from qdtest.models import Note  # noqa: F401  (its table must exist)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MENU_ENTRY = '#main-menu a[data-endpoint="qdtest.index"]'

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": ["qdtest.plugin"]}


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(locale="zh-CN")
            page = context.new_page()
            page.set_default_timeout(20_000)
            yield page
        finally:
            browser.close()


def test_disable_and_enable_a_plugin_in_the_browser(live_server, page):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    page.goto(f"{live_server}/login")
    page.fill('input[name="username"]', "admin")
    page.fill('input[name="password"]', PASSWORD)
    page.click('form button[type="submit"] >> nth=0')
    page.wait_for_url(f"{live_server}/")
    assert page.locator(MENU_ENTRY).inner_text() == "测试便笺"

    page.goto(f"{live_server}/admin/plugins")
    row = page.locator("#plugin-qdtest")
    row.get_by_role("link", name="停用").click()
    page.wait_for_load_state()
    # The confirmation page: what it affects, and why (required).
    assert "qdtest_note" in page.locator("#impact-tables").inner_text()
    page.fill('textarea[name="reason"]', "浏览器测试")
    page.get_by_role("button", name="停用").click()
    page.wait_for_load_state()
    assert "已停用：qdtest" in page.locator(".flash.success").inner_text()
    assert page.locator("#plugin-qdtest .tag.off").count() == 1
    assert page.locator(MENU_ENTRY).count() == 0
    page.goto(f"{live_server}/")
    assert page.locator(MENU_ENTRY).count() == 0
    assert page.goto(f"{live_server}/qdtest/").status == 404

    page.goto(f"{live_server}/admin/plugins")
    page.locator("#plugin-qdtest").get_by_role("link", name="启用").click()
    page.wait_for_load_state()
    page.fill('textarea[name="reason"]', "浏览器测试")
    page.get_by_role("button", name="启用").click()
    page.wait_for_load_state()
    assert page.locator("#plugin-qdtest .tag.on").count() == 1
    assert page.locator(MENU_ENTRY).inner_text() == "测试便笺"
    page.locator(MENU_ENTRY).click()
    page.wait_for_url(f"{live_server}/qdtest/")
    assert page.locator("h1").inner_text() == "Notes"
    # The CSP lets the page run with no blocked inline code.
    assert [e for e in errors if "Content Security Policy" in e] == []
