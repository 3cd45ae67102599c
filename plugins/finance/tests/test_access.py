"""Every ID-taking finance route, tried with someone else's ids: 404 —
never 403, never a page — for a user of another office who holds the same
permissions; and the auditor reads but never writes."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from plugins.finance.models import Allocation, Statement
from plugins.finance.services import allocations, receivables
from plugins.finance.services import rebates
from plugins.finance.services import statements as st_svc
from core import clock

TODAY = clock.today()
LAST_MONTH = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
PERIOD = st_svc.period_of(LAST_MONTH)
PDF = b"%PDF-1.4\n% evidence\n"


@pytest.fixture
def ids(world, make_user):
    """Records of customer a (office OFF1)."""
    other = world.other_office_id
    from core.models import OrgUnit

    with world.db.session() as s:
        unit = s.get(OrgUnit, other)
        s.expunge(unit)
    make_user("fin2", "finance", org_unit=unit)
    with world.db.session() as s:
        a = world.customers["a"]
        inv = receivables.post_invoice(s, a, [{"description": "TV", "unit_price": "100.00"}],
                                when=LAST_MONTH + timedelta(days=2))
        pay = receivables.record_payment(s, a, "60.00", when=LAST_MONTH + timedelta(days=3),
                                  allocations="auto")
        cn = receivables.post_credit_note(s, a, "offset", "5.00", reason="冲差",
                                   when=LAST_MONTH + timedelta(days=4))
        claim = rebates.create_claim(s, a, "sales_subsidy", period_start=LAST_MONTH,
                                     period_end=LAST_MONTH + timedelta(days=20),
                                     lines=[{"product": "TV", "quantity": 1, "unit_amount": "9"}],
                                     user=world.user(s, "sales1"))
        rebates.add_evidence(s, claim, io.BytesIO(PDF), "e.pdf")
        st = st_svc.issue(s, a, PERIOD)
        from sqlalchemy import select

        from core.models import User

        st_svc.attach_pdf(s, st, s.scalar(select(User).where(User.username == "admin")))
        moves = st_svc.movements(s, a, st.start, st.end, 0)
        st_svc.record_answer(s, st, answer="disputed", disputes=[(moves[0]["entry_id"], "?")])
        alloc = s.query(Allocation).first()
        return {"customer": a, "invoice": inv.id, "payment": pay.id, "credit_note": cn.id,
                "claim": claim.id, "statement": st.id, "dispute": st.disputes[0].id,
                "allocation": alloc.id, "entry": inv.entry_id}


def _routes(i):
    get = [
        f"/finance/customers/{i['customer']}", f"/finance/invoices/{i['invoice']}",
        f"/finance/payments/{i['payment']}", f"/finance/credit-notes/{i['credit_note']}",
        f"/finance/rebates/{i['claim']}", f"/finance/statements/{i['statement']}",
        f"/finance/statements/{i['statement']}/pdf", f"/finance/aging/customers/{i['customer']}",
        f"/finance/statements/preview?customer_id={i['customer']}&period={PERIOD}",
        f"/finance/ledger/{i['entry']}", f"/finance/payments/new?customer_id={i['customer']}",
    ]
    post = [
        (f"/finance/invoices/{i['invoice']}/reverse", {"reason": "x"}),
        (f"/finance/payments/{i['payment']}/reverse", {"reason": "x"}),
        (f"/finance/credit-notes/{i['credit_note']}/reverse", {"reason": "x"}),
        ("/finance/allocations", {"invoice_id": i["invoice"], "payment_id": i["payment"],
                                  "amount": "1"}),
        (f"/finance/allocations/{i['allocation']}/undo", {}),
        (f"/finance/customers/{i['customer']}/credit", {"terms": "net", "term_days": "30",
                                                        "credit_limit": "99999"}),
        ("/finance/payments/new", {"customer_id": i["customer"], "amount": "1.00",
                                   "allocation": "none", "method": "bank"}),
        ("/finance/invoices/new", {"customer_id": i["customer"], "desc_0": "x", "price_0": "1"}),
        ("/finance/credit-notes/new", {"customer_id": i["customer"], "kind": "offset",
                                       "amount": "1", "reason": "x"}),
        ("/finance/statements/issue", {"customer_id": i["customer"], "period": PERIOD}),
        (f"/finance/statements/{i['statement']}/answer", {"answer": "confirmed"}),
        (f"/finance/disputes/{i['dispute']}/resolve", {"resolution": "x"}),
        (f"/finance/rebates/{i['claim']}/decide", {"decision": "approve"}),
        (f"/finance/rebates/{i['claim']}/redeem", {"method": "payment"}),
        (f"/finance/ledger/{i['entry']}/reverse", {}),
    ]
    return get, post


def _login(client, username):
    if client.csrf is not None:
        client.logout()
    assert client.login(username).status_code in (302, 303)


def test_finance_clerk_of_another_office_gets_404_everywhere(ids, client, app):
    """fin2 holds every finance permission, for office OFF2 only."""
    _login(client, "fin2")
    get, post = _routes(ids)
    for url in get:
        assert client.get(url).status_code == 404, url
    for url, data in post:
        if url.endswith("/decide"):
            continue  # finance may not decide rebates at all (403 by permission)
        assert client.post_form(url, data).status_code == 404, url
    with app.extensions["qudao"].db.session() as s:
        assert s.get(Statement, ids["statement"]).answer == "disputed"
        assert allocations.invoice_open(s, ids["invoice"]) == 35  # 100 − 60 paid − 5 credited


def test_manager_of_another_office_cannot_decide_or_see(ids, client):
    _login(client, "mgr2")
    assert client.post_form(f"/finance/rebates/{ids['claim']}/decide",
                            {"decision": "approve"}).status_code == 404
    assert client.get(f"/finance/customers/{ids['customer']}").status_code == 404


def test_salesperson_of_another_customer(ids, client):
    _login(client, "sales2")
    for url in (f"/finance/customers/{ids['customer']}", f"/finance/rebates/{ids['claim']}",
                f"/finance/statements/{ids['statement']}"):
        assert client.get(url).status_code == 404, url
    for url, data in ((f"/finance/rebates/{ids['claim']}/edit", {"kind": "sales_subsidy"}),
                      (f"/finance/rebates/{ids['claim']}/submit", {}),
                      (f"/finance/statements/{ids['statement']}/answer", {"answer": "confirmed"})):
        assert client.post_form(url, data).status_code == 404, url


def test_auditor_reads_everything_and_changes_nothing(ids, client):
    _login(client, "aud")
    get, post = _routes(ids)
    for url in get:
        if "payments/new" in url:
            continue  # a form to record money: not the auditor's
        assert client.get(url).status_code == 200, url
    for url, data in post:
        assert client.post_form(url, data).status_code == 403, url


def test_trial_balance_of_an_office_clerk_covers_only_their_office(ids, client, app):
    from plugins.finance.services import receivables as docs_

    with app.extensions["qudao"].db.session() as s:
        docs_.post_invoice(s, _c_of_other_office(app), [{"description": "TV",
                                                          "unit_price": "777.00"}])
    # the 科目余额表 of a period from last month to today (issue 21, item 16)
    url = f"/finance/ledger/trial-balance?start={LAST_MONTH.isoformat()}"
    _login(client, "fin2")
    html = client.get(url).get_data(True)
    assert "777.00" in html and "100.00" not in html
    _login(client, "aud")
    html = client.get(url).get_data(True)
    assert "877.00" in html  # revenue of both offices in the period: 100 + 777


def _c_of_other_office(app):
    from sqlalchemy import select

    from plugins.customers.api import Customer

    with app.extensions["qudao"].db.session() as s:
        return s.scalar(select(Customer.id).where(Customer.name == "南京新街口电器"))
