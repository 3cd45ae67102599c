"""The teller's referral picker: a teller (scope "own", no customers of their
own) finds the branch customer in front of them by name, number, mobile or
card — masked — and refers them; another branch's customer by id → 404, and
nothing else of the client book opens up."""
from __future__ import annotations

from sqlalchemy import func, select

from plugins.banking_rm.models import BankReferral, BankRetailProfile
from plugins.customers.api import Customer

CARD = "6222021234567890123"


def _give_details(branch) -> None:
    with branch.db.session() as s:
        for key, phone, card in (("a", "13912345678", CARD), ("b", "13800001111", None),
                                 ("far", "13912345678", "6222029999999995678")):
            cid = branch.customers[key]
            s.get(Customer, cid).phone = phone
            s.add(BankRetailProfile(customer_id=cid, card_number=card))


def test_teller_finds_a_branch_customer_masked_and_refers_them(branch, client):
    _give_details(branch)
    client.login("teller")
    # the form says how to find the customer
    page = client.get("/banking_rm/referrals/new").get_data(as_text=True)
    assert 'name="q"' in page
    for q in ("王建", "5678", "13912345678", CARD, "1234567890123"[-6:]):
        page = client.get("/banking_rm/referrals/new", query_string={"q": q}).get_data(as_text=True)
        assert "王建国" in page, q
        assert "139****5678" in page, q
        assert "13912345678" not in page.replace('value="13912345678"', ""), q  # masked in the rows
        assert "赵敏" not in page, q  # the other branch's customer with the same phone
        assert f'customer_id={branch.customers["a"]}' in page
    page = client.get("/banking_rm/referrals/new", query_string={"q": CARD}).get_data(as_text=True)
    assert CARD not in page.replace(f'value="{CARD}"', "")
    assert "6222" in page and "0123" in page  # the card's masked form keeps its ends
    # the other branch's customer by name: nothing
    page = client.get("/banking_rm/referrals/new", query_string={"q": "赵敏"}).get_data(as_text=True)
    assert "赵敏" not in page.replace('value="赵敏"', "")
    # a query too short to narrow the book: a message, no rows
    page = client.get("/banking_rm/referrals/new", query_string={"q": "王"}).get_data(as_text=True)
    assert "王建国" not in page and ("2 characters" in page or "至少" in page)
    page = client.get("/banking_rm/referrals/new", query_string={"q": "56"}).get_data(as_text=True)
    assert "王建国" not in page and ("4 digits" in page or "至少" in page)

    # pick → form → post
    cid = branch.customers["a"]
    page = client.get("/banking_rm/referrals/new", query_string={"customer_id": cid}).get_data(as_text=True)
    assert "王建国" in page and f'name="customer_id" value="{cid}"' in page and "139****5678" in page
    r = client.post_form("/banking_rm/referrals/new", {
        "customer_id": cid, "receiver_id": branch.users["wm2"].id, "product_kind": "wealth",
        "touchpoint": "low_counter", "script": "您这笔定期快到期了，理财经理可以给您做个诊断。"},
        follow_redirects=True)
    assert r.status_code == 200 and "王建国" in r.get_data(as_text=True)
    with branch.db.session() as s:
        ref = s.scalar(select(BankReferral))
        assert (ref.customer_id, ref.referrer_id, ref.receiver_id) == (
            cid, branch.users["teller"].id, branch.users["wm2"].id)

    # the picker widens nothing else: the customer's page and the list stay closed
    assert client.get(f"/banking_rm/clients/{cid}").status_code == 404
    assert "王建国" not in client.get("/banking_rm/clients").get_data(as_text=True)


def test_another_branchs_customer_by_id_is_404(branch, client):
    _give_details(branch)
    client.login("teller")
    far = branch.customers["far"]
    assert client.get("/banking_rm/referrals/new", query_string={"customer_id": far}).status_code == 404
    assert client.get("/banking_rm/referrals/new", query_string={"customer_id": "x"}).status_code == 404
    r = client.post_form("/banking_rm/referrals/new", {
        "customer_id": far, "receiver_id": branch.users["wm1"].id, "product_kind": "fund"})
    assert r.status_code == 404
    with branch.db.session() as s:
        assert s.scalar(select(func.count()).select_from(BankReferral)) == 0
    # and the other branch's teller-like user cannot pick ours
    client.login("far")
    assert client.get("/banking_rm/referrals/new",
                      query_string={"customer_id": branch.customers["a"]}).status_code == 404


def test_card_number_on_the_profile_is_checked(branch):
    import pytest

    from core.services import ServiceError
    from plugins.banking_rm.services import clients

    assert clients.card_digits("6222 0212-3456 7890 123") == CARD
    assert clients.card_digits("  ") is None
    for bad in ("6222", "6222abcd12345678", "1" * 20):
        with pytest.raises(ServiceError):
            clients.card_digits(bad)
