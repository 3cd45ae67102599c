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


def _login(page, live_server, username="admin"):
    page.goto(f"{live_server}/login")
    page.fill('input[name="username"]', username)
    page.fill('input[name="password"]', PASSWORD)
    page.click('form button[type="submit"] >> nth=0')
    page.wait_for_url(f"{live_server}/")


def test_reveal_a_phone_in_place(live_server, page, db):
    """Issue 18: on a customer page an admin clicks 显示 beside the masked
    phone, picks a purpose, and the clear number replaces the masked one in
    place (no page load); one audit row; no console errors, no CSP report."""
    from playwright.sync_api import expect
    from sqlalchemy import select

    from core.models import AuditLog, OrgUnit, User
    from plugins.customers.services import master

    admin = db.scalar(select(User).where(User.username == "admin"))
    org = db.scalar(select(OrgUnit).where(OrgUnit.code == "HQ"))
    c = master.create_customer(db, name="浏览器测试客户", kind="member", org_unit_id=org.id,
                               owner_id=admin.id, phone="13812345678",
                               address="浙江省杭州市西湖区文三路 1 号")
    db.commit()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.text} {m.location.get('url')}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    failed: list[tuple[int, str]] = []
    page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => "
                         "console.error('CSP violation: ' + e.violatedDirective));")
    _login(page, live_server)
    url = f"{live_server}/customers/{c.id}"
    page.goto(url)
    boxes = page.locator("[data-pii-box]")
    hrefs = [boxes.nth(i).locator("a[data-reveal]").get_attribute("href")
             for i in range(boxes.count())]
    # (a locator that stays put when the link goes)
    box = boxes.nth(next(i for i, h in enumerate(hrefs)
                         if f"/customers_customer/{c.id}/phone" in h))
    assert box.locator("[data-pii]").inner_text() == "138****5678"
    assert "13812345678" not in page.content()
    box.get_by_role("link", name="显示").click()
    form = box.locator("form[data-reveal-form]")
    # Without a purpose: the message in place, nothing shown.
    form.get_by_role("button", name="显示").click()
    expect(form.locator("[data-reveal-error]")).to_contain_text("用途")
    assert box.locator("[data-pii]").inner_text() == "138****5678"
    form.locator('select[name="purpose"]').select_option("contact")
    form.locator('input[name="detail"]').fill("确认送货时间")
    form.get_by_role("button", name="显示").click()
    expect(box.locator("[data-pii]")).to_have_text("13812345678")
    assert page.url == url  # in place, not the no-JavaScript page
    assert box.locator("form").count() == 0 and box.locator("a[data-reveal]").count() == 0
    # the address next to it is still masked
    assert "文三路" not in page.locator("dl").first.inner_text()
    db.commit()
    rows = db.scalars(select(AuditLog).where(AuditLog.action == "reveal")).all()
    assert [(r.record_id, r.changes["fields"], r.reason) for r in rows] == [
        (str(c.id), ["phone"], "联系本人：确认送货时间")]
    # The one refused request is the reveal without a purpose (a 400 with the
    # message); the browser logs it, and nothing else.
    assert [(st, u.removeprefix(live_server)) for st, u in failed] == [
        (400, f"/privacy/reveal/customers_customer/{c.id}/phone")]
    # (The app serves no /favicon.ico: the 404 Chromium logs for it is no error of this page.)
    errors = [e for e in errors if not (e.startswith("Failed to load resource") and (
        e.endswith("/favicon.ico") or e.endswith(f"/privacy/reveal/customers_customer/{c.id}/phone")))]
    assert errors == [], errors


PHONE_PAGES = ["/", "/customers/", "/customers/reports/weekly", "/finance/invoices", "/finance/aging",
               "/dealers/orders", "/stores_demo/", "/stores_demo/accounts", "/stores_demo/pipeline",
               "/stores_demo/pieces", "/stores_demo/custom-orders", "/stores_demo/claims", "/stores_demo/tasks/team",
               "/banking_rm/", "/banking_rm/clients", "/banking_rm/league", "/banking_rm/maturities",
               "/banking_rm/referrals/new?q=13", "/banking_rm/care?days=90", "/admin/audit"]


def test_no_page_scrolls_sideways_on_a_390px_phone(live_server, page):
    """Every page fits a 390 px phone: a table wider than the screen scrolls
    inside itself, the page does not (found by visiting every page of the
    demo as each role at 390 px; /customers/ was 463 px wide)."""
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server)
    wide = {}
    for url in PHONE_PAGES:
        assert page.goto(f"{live_server}{url}").status == 200, url
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[url] = width
    assert wide == {}
