"""The figures agree or say why (issue 21): the home page's 应收账款 (the
open invoices, 1122) and the aged receivables' balance differ by the
unapplied prepayments (2203), and every page that shows both says so with
the three amounts; a negative 可下单额度 is flagged as over the limit."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from plugins.finance.services import credit, receivables

EXPLAINED = ("应收账款 1,000.00 为未结清的发票（1122）；未核销的预收款和贷项 300.00（2203）"
             "已与之抵减，因此账龄表中的余额为 700.00。")


@pytest.fixture
def books(world, app):
    a, b = world.customers["a"], world.customers["b"]
    with app.extensions["qudao"].db.session() as s:
        fin = world.user(s, "finance")
        credit.set_profile(s, a, credit_limit="600.00", terms="net", term_days=30,
                           valid_until=clock.today() + timedelta(days=300), user=fin)
        receivables.post_invoice(s, a, [{"description": "冰箱", "unit_price": "1000.00"}],
                                 user=fin)
        receivables.record_payment(s, b, "300.00", reference="预收 1", user=fin)
    return world


def test_home_widget_aging_and_overview_explain_receivables_against_the_aging_balance(
        client, books):
    client.login("fin")
    widget = client.get("/finance/widgets/receivables").get_data(True)
    for text in ("1,000.00", "300.00", "700.00", EXPLAINED):
        assert text in widget, text
    aging = client.get("/finance/aging").get_data(True)
    assert EXPLAINED in aging
    assert "<td>合计</td>" in aging and "<td class=\"num\">700.00</td></tr>" in aging
    assert EXPLAINED in client.get("/finance/").get_data(True)


def test_a_negative_amount_available_for_orders_is_flagged(client, books):
    client.login("fin")
    a = books.customers["a"]
    page = client.get(f"/finance/customers/{a}").get_data(True)
    assert "-400.00" in page and "超出额度 400.00" in page
    assert "超出额度 400.00" in client.get("/finance/credit").get_data(True)
    # A customer within the line shows no flag.
    b = books.customers["b"]
    assert "超出额度" not in client.get(f"/finance/customers/{b}").get_data(True)
