"""The maturities list as Excel: the rows the page shows (days ahead,
manager), the user's customers only, formula text neutralised, the mobile
masked — clear only for a user who may reveal, and then audited."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.models import AuditLog

from .care_helpers import Branch
from core import clock


@pytest.fixture
def branch(app, make_user, make_org):
    return Branch.build(app, make_user, make_org)


def _rows(resp) -> list[list]:
    assert resp.status_code == 200, resp.status_code
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(io.BytesIO(resp.data)).active
    return [[c.value for c in r] for r in ws.iter_rows()]


def test_maturities_export_filtered_scoped_escaped_masked(branch, client, make_user):
    today = clock.today()
    a = branch.customer("王芳", "rm1")
    evil = branch.customer('=HYPERLINK("http://x.example","点我")', "rm1")
    b = branch.customer("李强", "rm2")
    branch.holding(a, "100000.00", today + timedelta(days=2))
    branch.holding(evil, "1.00", today + timedelta(days=3), name="@SUM(A1:A9)")
    branch.holding(b, "20000.25", today + timedelta(days=5))
    branch.holding(b, "99999.00", today + timedelta(days=40))   # outside 30 days

    client.login("rm1")
    rows = _rows(client.get("/banking_rm/maturities.xlsx?days=30"))
    header, body = rows[0], rows[1:]
    assert len(header) == 11
    assert [r[2] for r in body] == ["王芳", "'=HYPERLINK(\"http://x.example\",\"点我\")"]  # rm1's own only
    assert body[1][6] == "'@SUM(A1:A9)"
    assert {r[3] for r in body} == {"139****5678"}
    assert Decimal(str(body[0][7])) == Decimal("100000.00")

    client.login("head")
    page = client.get("/banking_rm/maturities?days=30").get_data(as_text=True)
    assert "/banking_rm/maturities.xlsx?days=30" in page
    rows = _rows(client.get("/banking_rm/maturities.xlsx?days=30"))
    assert sorted(r[2] for r in rows[1:] if not r[2].startswith("'")) == ["李强", "王芳"]
    assert "13912345678" not in {r[3] for r in rows[1:]}
    # as filtered: one manager, fewer days
    rows = _rows(client.get(f"/banking_rm/maturities.xlsx?days=30&manager={branch.users['rm2'].id}"))
    assert [(r[2], Decimal(str(r[7]))) for r in rows[1:]] == [("李强", Decimal("20000.25"))]
    rows = _rows(client.get("/banking_rm/maturities.xlsx?days=2"))
    assert [r[2] for r in rows[1:]] == ["王芳"]
    with branch.db.session() as s:
        assert s.scalar(select(AuditLog.id).where(AuditLog.action == "reveal")) is None

    # someone who may reveal personal data gets the clear mobile, and a reveal row
    make_user("dpo", "admin")
    client.login("dpo")
    rows = _rows(client.get("/banking_rm/maturities.xlsx?days=30"))
    assert {r[3] for r in rows[1:]} == {"13912345678"}
    with branch.db.session() as s:
        row = s.scalar(select(AuditLog).where(AuditLog.action == "reveal"))
        assert row is not None and row.reason == "banking_rm maturities export"


def test_teller_export_is_empty_not_refused(branch, client, make_user):
    branch.holding(branch.customer("王芳", "rm1"), "100.00", clock.today() + timedelta(days=2))
    make_user("teller9", "br_teller")
    client.login("teller9")
    rows = _rows(client.get("/banking_rm/maturities.xlsx"))
    assert rows[1:] == []
