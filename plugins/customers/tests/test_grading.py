"""ABC grading: cumulative share thresholds 60 % / 90 % (settings), ties,
window, manual override with reason, recompute on demand and by command."""
from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from core import settings
from core.models import AuditLog
from core.services import ServiceError
from plugins.customers.services import grading
from plugins.customers.models import Customer

from .conftest import login
from . import conftest



def grades(amounts, a=D(60), b=D(90)):
    rows = [(i, f"C{i:03d}", D(x)) for i, x in enumerate(amounts, start=1)]
    return {cid: g for cid, (g, _share) in grading.compute(rows, a, b).items()}


def test_exact_60_and_90_boundaries():
    # 60 reaches 60 % alone → A; the next starts at 60 % → B; 90 % reached → C
    assert grades([60, 30, 10]) == {1: "A", 2: "B", 3: "C"}


def test_customer_crossing_the_line_takes_the_upper_grade():
    # before the 2nd: 59 % < 60 % → A (it carries the cumulative share to 89 %)
    assert grades([59, 30, 11]) == {1: "A", 2: "A", 3: "B"}
    # before the 3rd: 89 % < 90 % → B
    assert grades([50, 39, 6, 5]) == {1: "A", 2: "A", 3: "B", 4: "C"}


def test_ties_at_a_boundary_share_the_upper_grade():
    # 50 → A; 25 starts at 50 % → A; the second 25 starts at 75 % but ties → A
    assert grades([50, 25, 25]) == {1: "A", 2: "A", 3: "A"}
    # tie at the B/C boundary: 60 A; 30 B (starts at 60 %); 5 starts at 90 % → C, tie 5 → C
    assert grades([60, 30, 5, 5]) == {1: "A", 2: "B", 3: "C", 4: "C"}
    # tie straddling 90 %: 70 A; 15 starts 70 % → B; the other 15 starts 85 % → B
    assert grades([70, 15, 15]) == {1: "A", 2: "B", 3: "B"}


def test_ties_do_not_depend_on_order_or_codes():
    a = grades([25, 50, 25])
    assert a == {1: "A", 2: "A", 3: "A"}


def test_no_purchases_is_c_and_empty_unit_is_all_c():
    assert grades([100, 0]) == {1: "A", 2: "C"}
    assert grades([0, 0]) == {1: "C", 2: "C"}


def test_thresholds_are_settings():
    assert grades([50, 30, 20], a=D(50), b=D(80)) == {1: "A", 2: "B", 3: "C"}
    assert grades([50, 30, 20], a=D(51), b=D(80)) == {1: "A", 2: "A", 3: "C"}


def _active(new_customer, owner, n):
    return [new_customer(owner, name=f"客户{i}", status="active") for i in range(n)]


def test_recompute_uses_purchase_hook_per_org_unit(app, db, people, new_customer):
    cs = _active(new_customer, people["sales1"], 4)
    other_unit = new_customer(people["manager2"], name="宁波客户", status="active")
    conftest.AMOUNTS.update({cs[0].id: D("600000"), cs[1].id: D("300000"), cs[2].id: D("100000"),
                             other_unit.id: D("1")})
    prospect = new_customer(people["sales1"], name="潜在客户")  # not graded
    counts = grading.recompute(db, today=date(2026, 3, 15))
    db.commit()
    got = {c.id: db.get(Customer, c.id).grade for c in cs + [other_unit, prospect]}
    assert got == {cs[0].id: "A", cs[1].id: "B", cs[2].id: "C", cs[3].id: "C",
                   other_unit.id: "A",  # alone in its unit: 100 % of its unit
                   prospect.id: None}
    assert counts == {"A": 2, "B": 1, "C": 2}
    assert db.get(Customer, cs[0].id).grade_amount == D("600000.00")
    # window = 12 months (setting) up to and including today
    assert conftest.CALLS[0] == (date(2025, 3, 15), date(2026, 3, 16))


def test_window_is_a_setting(app, db, people, new_customer):
    _active(new_customer, people["sales1"], 1)
    settings.set(db, "customers.grade_window_months", "3")
    grading.recompute(db, today=date(2026, 5, 31))
    assert conftest.CALLS[-1] == (date(2026, 2, 28), date(2026, 6, 1))


def test_manual_override_with_reason_wins_and_survives_recompute(app, db, people, new_customer):
    cs = _active(new_customer, people["sales1"], 2)
    conftest.AMOUNTS.update({cs[0].id: D(90), cs[1].id: D(10)})
    grading.recompute(db)
    c = db.get(Customer, cs[1].id)
    assert c.grade == "C"
    with pytest.raises(ServiceError):
        grading.override(db, c, "A", "")
    grading.override(db, c, "A", "新开县城旗舰店")
    grading.recompute(db)
    db.commit()
    c = db.get(Customer, cs[1].id)
    assert (c.grade, c.grade_computed, c.grade_is_manual) == ("A", "C", True)
    audit = db.scalars(select(AuditLog).where(AuditLog.record_id == str(c.id),
                                              AuditLog.reason == "新开县城旗舰店")).all()
    assert audit and audit[0].changes["grade"] == ["C", "A"]
    grading.override(db, c, None, "恢复自动分级")
    assert c.grade == "C" and not c.grade_is_manual


def test_page_shows_manual_grade_as_such(app, client, people, new_customer):
    c = new_customer(people["sales1"], status="active")
    login(client, "manager")
    r = client.post_form(f"/customers/{c.id}/grade", {"grade": "B", "reason": "潜力大"},
                         follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "手工" in html and "潜力大" in html
    login(client, "sales1")
    assert client.post_form(f"/customers/{c.id}/grade", {"grade": "A", "reason": "x"}).status_code == 403


def test_recompute_on_demand_and_nightly_command(app, db, people, new_customer):
    cs = _active(new_customer, people["sales1"], 2)
    conftest.AMOUNTS.update({cs[0].id: D(80), cs[1].id: D(20)})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["customers", "grade"])
    assert result.exit_code == 0, result.output
    assert "A 1" in result.output and "B 1" in result.output
    db.rollback()
    db.expire_all()
    assert db.get(Customer, cs[1].id).grade == "B"
    conftest.AMOUNTS.update({cs[1].id: D(500)})
    client = app.test_client()
    login(client, "manager")
    r = client.post_form("/customers/grades/recompute", follow_redirects=True)
    assert r.status_code == 200
    db.rollback()
    db.expire_all()
    assert db.get(Customer, cs[1].id).grade == "A"
    assert db.get(Customer, cs[0].id).grade == "B"
