"""The record picker in headless Chromium, on a 390 px phone: typing part of
a customer's name lists it, choosing it puts its code in the form, the
invoice is posted for that customer, and the page never scrolls sideways."""
from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from conftest import PASSWORD
from plugins.finance.models import Invoice

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def phone():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 390, "height": 844})
        finally:
            browser.close()


def test_choose_a_customer_by_typing_on_a_phone(world, live_server, phone):
    target = world.make_customer("绍兴柯桥宏远家电有限公司", world.users["sales1"].id)
    with world.db.session() as s:
        from plugins.customers.api import Customer

        code = s.get(Customer, target).code
    errors: list[str] = []
    phone.on("pageerror", lambda e: errors.append(str(e)))
    phone.on("response", lambda r: errors.append(f"{r.status} {r.url}")
             if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
    phone.goto(f"{live_server}/login")
    phone.fill("input[name=username]", "fin")
    phone.fill("input[name=password]", PASSWORD)
    phone.click("button[type=submit]")
    phone.wait_for_url(f"{live_server}/")
    phone.goto(f"{live_server}/finance/invoices/new")

    box = phone.locator(".ts-wrapper.picker .ts-control input")
    box.click()
    box.type("宏远", delay=50)
    option = phone.locator(".ts-dropdown .option", has_text="宏远家电")
    option.wait_for(timeout=10_000)
    if os.environ.get("QUDAO_SCREENSHOTS"):
        phone.screenshot(path=os.path.join(os.environ["QUDAO_SCREENSHOTS"], "picker-390.png"))
    option.click()
    assert phone.input_value("input.picker[name=customer_id]") == code
    overflow = phone.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, overflow

    phone.fill("input[name=desc_0]", "冰箱")
    phone.fill("input[name=price_0]", "3200.00")
    phone.click("form.lines button[type=submit]")
    phone.wait_for_url("**/finance/invoices/*")
    with world.db.session() as s:
        inv = s.execute(select(Invoice).where(Invoice.customer_id == target)).scalar_one()
        assert inv.amount == 3200
    assert errors == []
