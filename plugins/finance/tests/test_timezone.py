"""Finance dates follow the company's calendar (issue 21): on a UTC server
at 23:30 UTC it is already 07:30 the next day in Beijing, and a payment
recorded then, its form's default date and the books' window are that day."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from core import clock, settings
from plugins.finance.models import Payment
from plugins.finance.services import receivables

UTC_DAY = datetime.now(timezone.utc).date()
LATE = datetime.combine(UTC_DAY, time(23, 30))
BEIJING_DAY = UTC_DAY + timedelta(days=1)


@pytest.fixture(autouse=True)
def _zone_back():
    yield
    clock.set_zone(clock.DEFAULT_ZONE)


def test_a_payment_recorded_at_0730_beijing_time_is_dated_that_day(client, world, app):
    db = app.extensions["qudao"].db
    with clock.frozen(LATE):
        client.login("fin")
        page = client.get(f"/finance/payments/new?customer_id={world.customers['a']}")
        assert f'value="{BEIJING_DAY.isoformat()}"' in page.get_data(True)
        resp = client.post_form("/finance/payments/new", {
            "customer_id": world.customers["a"], "amount": "100.00", "date": "",
            "method": "bank", "allocation": "none"})
        assert resp.status_code == 303
        with db.session() as s:
            pay = s.scalar(select(Payment))
            assert pay.date == BEIJING_DAY
            assert pay.number == f"REC/{BEIJING_DAY.year}/00001"
            # The services' default is the same day.
            assert receivables.record_payment(s, world.customers["a"], "5.00",
                                              user=world.user(s, "finance")).date == BEIJING_DAY
        html = client.get(f"/finance/payments/{pay.id}").get_data(True)
        assert BEIJING_DAY.isoformat() in html


def test_a_company_on_utc_keeps_the_server_day(client, world, app):
    db = app.extensions["qudao"].db
    with db.session() as s:
        settings.set(s, "core.timezone", "UTC")
    with clock.frozen(LATE):
        client.login("fin")
        resp = client.post_form("/finance/payments/new", {
            "customer_id": world.customers["a"], "amount": "100.00", "date": "",
            "method": "bank", "allocation": "none"})
        assert resp.status_code == 303
    with db.session() as s:
        assert s.scalar(select(Payment.date)) == UTC_DAY
