"""The MAN rule's eight outcomes (seed 003 §二.1) and the six loyalty types
with their strategies (seed 000 §三.5)."""
from plugins.customers.services import loyalty, man
from plugins.customers.models import Customer

from .conftest import login


EIGHT = [  # M A N, the seed's notation, outcome, the seed's action
    (1, 1, 1, "M+A+N", "pursue", "Ideal prospect: pursue now"),
    (1, 1, 0, "M+A+n", "skilled_selling", "with skilled selling there is a chance"),
    (1, 0, 1, "M+a+N", "find_authority", "find the person with authority"),
    (0, 1, 1, "m+A+N", "check_credit", "check the business and credit, consider financing"),
    (0, 0, 1, "m+a+N", "nurture", "observe and nurture long-term"),
    (0, 1, 0, "m+A+n", "nurture", "observe and nurture long-term"),
    (1, 0, 0, "M+a+n", "nurture", "observe and nurture long-term"),
    (0, 0, 0, "m+a+n", "stop", "Not a customer: stop contact"),
]


def test_eight_man_outcomes(app, db, people, new_customer):
    c = db.get(Customer, new_customer(people["sales1"]).id)
    for m, a, n, letters, outcome, text in EIGHT:
        check = man.record(db, c, money=bool(m), authority=bool(a), need=bool(n),
                           user_id=people["sales1"].id, credit_status="信用良好",
                           payment_plan="首批全款", interest_product=True, good_impression=True)
        assert check.outcome == outcome, letters
        assert man.letters(bool(m), bool(a), bool(n)) == letters
        assert text in str(man.outcome_labels()[outcome]), letters
        assert (check.interest_product, check.interest_buying, check.good_impression) == \
            (True, False, True)
        assert check.credit_status == "信用良好" and check.payment_plan == "首批全款"


def test_man_table_is_complete_and_only_mAN_is_pursued():
    assert len(man.TABLE) == 8
    assert [k for k, v in man.TABLE.items() if v == "pursue"] == [(True, True, True)]
    assert [k for k, v in man.TABLE.items() if v == "stop"] == [(False, False, False)]


def test_man_page_shows_recommended_action_in_chinese(app, client, people, new_customer):
    c = new_customer(people["sales1"])
    login(client, "sales1")
    r = client.post_form(f"/customers/{c.id}/man", {"money": "y", "authority": "", "need": "y",
                                                   "credit_status": "有少量拖欠"},
                         follow_redirects=True)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "M+a+N" in html
    assert "设法找到有决定权的人" in html


def test_six_loyalty_types_each_with_the_seed_strategy():
    assert [t.code for t in loyalty.TYPES] == ["strong_loyal", "weak_loyal", "decadent",
                                               "disdainful", "wait_and_see", "desperate"]
    assert "Replace the customer" in str(loyalty.BY_CODE["desperate"].strategy)
    assert "Visit more often" in str(loyalty.BY_CODE["wait_and_see"].strategy)
    assert "consolidate" in str(loyalty.BY_CODE["strong_loyal"].strategy)


def test_customer_page_shows_the_strategy_of_its_type(app, client, people, new_customer):
    c = new_customer(people["sales1"], status="active")
    login(client, "sales1")
    r = client.post_form(f"/customers/{c.id}/loyalty", {"loyalty_type": "decadent",
                                                        "note": "老板说电视不好卖"},
                         follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "颓废型" in html
    assert "通过促销活动提高客户信心" in html
