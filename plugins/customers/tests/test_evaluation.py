"""Five-criteria evaluation per period → reward / support / eliminate (seed 001)."""
from datetime import date
from decimal import Decimal as D

import pytest

from core import settings
from core.services import ServiceError
from plugins.customers.services import evaluation
from plugins.customers.models import Customer

from .conftest import login
from core import clock


def scores(t, p, s, g, c):
    return dict(zip(evaluation.CRITERIA, (t, p, s, g, c)))


@pytest.fixture
def customer(app, db, people, new_customer):
    return db.get(Customer, new_customer(people["sales1"], status="active").id)


def test_weighted_score_and_actions_with_default_settings(db, customer):
    # default weights 25/25/20/15/15, reward ≥ 4.00, eliminate < 2.50
    ev = evaluation.evaluate(db, customer, "2026-Q1", scores(4, 4, 4, 4, 4))
    assert ev.score == D("4.00") and ev.action == "reward"          # exactly the reward line
    ev = evaluation.evaluate(db, customer, "2026-Q2", scores(5, 4, 4, 3, 3))
    assert ev.score == D("3.95") and ev.action == "support"
    ev = evaluation.evaluate(db, customer, "2026-Q3", scores(3, 3, 2, 2, 2))
    assert ev.score == D("2.50") and ev.action == "support"         # 2.50 is not below 2.50
    ev = evaluation.evaluate(db, customer, "2026-Q4", scores(2, 2, 3, 2, 3))
    assert ev.score == D("2.35") and ev.action == "eliminate"


def test_weights_and_thresholds_are_settings(db, customer):
    settings.set(db, "customers.eval_weight_transaction", "100")
    for k in ("profitability", "safety", "growth", "cooperation"):
        settings.set(db, f"customers.eval_weight_{k}", "0")
    settings.set(db, "customers.eval_reward_min", "4.5")
    ev = evaluation.evaluate(db, customer, "2026-Q1", scores(4, 5, 5, 5, 5))
    assert ev.score == D("4.00") and ev.action == "support"


def test_history_is_kept_per_period_and_revisions_replace(db, customer):
    evaluation.evaluate(db, customer, "2025-Q4", scores(3, 3, 3, 3, 3))
    evaluation.evaluate(db, customer, "2026-Q1", scores(5, 5, 5, 5, 5))
    evaluation.evaluate(db, customer, "2026-Q1", scores(1, 1, 1, 1, 1))
    hist = evaluation.history(db, customer)
    assert [(e.period, e.action) for e in hist] == [("2026-Q1", "eliminate"), ("2025-Q4", "support")]


@pytest.mark.parametrize("bad", [0, 6, None, "x"])
def test_scores_must_be_1_to_5(db, customer, bad):
    with pytest.raises(ServiceError):
        evaluation.evaluate(db, customer, "2026-Q1", scores(bad, 3, 3, 3, 3))


def test_default_period_is_the_quarter(db):
    assert evaluation.period_of(db, date(2026, 5, 2)) == "2026-Q2"
    settings.set(db, "customers.eval_period", "month")
    assert evaluation.period_of(db, date(2026, 5, 2)) == "2026-05"


def test_evaluation_page(app, client, people, customer):
    login(client, "sales1")
    r = client.post_form(f"/customers/{customer.id}/evaluate",
                         {"period": "2026-Q1", "transaction": 5, "profitability": 5, "safety": 4,
                          "growth": 4, "cooperation": 4}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "4.50" in html and "奖励" in html


@pytest.mark.parametrize("bad", ["abc", "2026-Q9", "2026-13", "2026-Q0", "26-Q1", "1999-Q4",
                                 "2026-Q1x", ""])
def test_a_period_that_is_no_quarter_or_month_is_refused(db, customer, bad):
    """Issue 21 #4: "abc" and "2026-Q9" were saved and printed on the card."""
    with pytest.raises(ServiceError, match="Choose the evaluation period"):
        evaluation.evaluate(db, customer, bad, scores(3, 3, 3, 3, 3))


def test_a_period_that_has_not_begun_is_refused(db, customer):
    nxt = clock.today().year + 1
    with pytest.raises(ServiceError, match="has not begun"):
        evaluation.evaluate(db, customer, f"{nxt}-Q1", scores(3, 3, 3, 3, 3))
    assert evaluation.evaluate(db, customer, "2025-q4", scores(3, 3, 3, 3, 3)).period == "2025-Q4"


def test_the_page_offers_a_period_picker_and_refuses_typed_junk(app, client, db, people,
                                                                 customer):
    login(client, "sales1")
    url = f"/customers/{customer.id}/evaluate"
    html = client.get(url).get_data(as_text=True)
    this = evaluation.period_of(db, clock.today())
    assert '<select id="period" name="period"' in html
    assert f'<option selected value="{this}">' in html
    y, q = this.split("-Q")
    assert f"{y}年第{q}季度" in html
    r = client.post_form(url, {"period": "2026-Q9", "transaction": 3, "profitability": 3,
                               "safety": 3, "growth": 3, "cooperation": 3}, follow_redirects=True)
    assert "请从列表中选择评价期间" in r.get_data(as_text=True)
    db.rollback()
    assert evaluation.history(db, customer) == []
    db.rollback()
    settings.set(db, "customers.eval_period", "month")
    db.commit()
    html = client.get(url).get_data(as_text=True)
    assert f'value="{clock.today():%Y-%m}"' in html and f"{clock.today().month}月" in html
