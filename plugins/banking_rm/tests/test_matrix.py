"""The value matrix: cells, contact frequencies and the overdue-contact list
(one SQL statement), per manager."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event

from plugins.banking_rm.services import matrix as svc

from .retail_world import TODAY, World


@pytest.fixture
def w(app, make_user, make_org):
    w = World.build(app, make_user, make_org)
    plan = [  # key, potential, AUM, days since the last contact (None: never), orientation
        ("a", "high", "600000", 8, "relationship"),   # hh, every 7 days: 1 day late
        ("b", "high", "600000", 6, None),             # hh: in time
        ("c", "low", "600000", 15, "value"),          # hl, every 14: 1 day late
        ("d", "high", "100000", 13, None),            # lh, every 14: in time
        ("e", "low", "100000", 31, "service"),        # ll, every 30: 1 day late
        ("f", "low", "0", None, None),                # ll, never contacted
        ("g", "low", "100000", 29, None),             # ll: in time
    ]
    for key, pot, aum, ago, orient in plan:
        w.customer(key, f"客户{key.upper()}", potential=pot, orientation=orient)
        if aum != "0":
            w.hold(key, "deposit", aum)
        if ago is not None:
            w.contact(key, ago + 40)  # an older contact does not count
            w.contact(key, ago)
    w.hold("a", "credit_card", "900000")  # not an asset
    w.customer("h", "客户H", owner="wm2")  # wm2's, never contacted
    return w


def test_overdue_list_exact(w):
    with w.db.session() as s:
        rows = svc.overdue(s, None, TODAY, owner_id=w.users["wm1"].id)
    assert [(r["name"], r["cell"], r["late_days"]) for r in rows] == [
        ("客户F", "ll", None), ("客户E", "ll", 1), ("客户C", "hl", 1), ("客户A", "hh", 1)]
    topics = {r["name"]: str(r["topic"]) for r in rows}
    assert topics["客户A"].startswith("Personal care")
    assert topics["客户C"] == "After-sale service and a wealth check-up"
    assert topics["客户E"] == "After-sale service and client events"


def test_overdue_is_one_statement(w):
    with w.db.session() as s:
        svc.contact_days(s), svc.aum_threshold(s)  # settings read first
        seen = []
        bind = s.get_bind()
        listener = lambda *a, **k: seen.append(a[2])  # noqa: E731
        event.listen(bind, "before_cursor_execute", listener)
        try:
            rows = svc.overdue(s, None, TODAY)
        finally:
            event.remove(bind, "before_cursor_execute", listener)
    assert len(rows) == 5 and len(seen) == 1


def test_matrix_counts(w):
    with w.db.session() as s:
        assert svc.matrix_counts(s, None) == {"hh": 2, "hl": 1, "lh": 1, "ll": 4}


def test_matrix_page_per_manager(w, client):
    client.login("wm1")
    html = client.get("/banking_rm/matrix").get_data(as_text=True)
    assert "客户F" in html and "客户A" in html and "客户B" not in html and "客户H" not in html
    client.login("head")
    html = client.get("/banking_rm/matrix").get_data(as_text=True)
    assert "客户H" in html
    html = client.get(f"/banking_rm/matrix?owner={w.users['wm2'].id}").get_data(as_text=True)
    assert "客户H" in html and "客户F" not in html


def test_frequency_is_a_setting(w, client, app):
    from core import settings

    with w.db.session() as s:
        settings.set(s, "banking_rm.contact_days_hh", "5")
    with w.db.session() as s:
        names = [r["name"] for r in svc.overdue(s, None, TODAY)]
    assert "客户B" in names  # 6 days ago, now every 5 days
