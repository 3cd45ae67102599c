"""Lost updates: two browser tabs load the same edit form and both save.

The first save is kept; the second is refused with a conflict message that
shows the other person's values, and the form comes back with the second
user's input still in it — nothing saved, nothing lost.  Every edit form of
core, customers, finance and dealers is walked (``CASES``, and the
create-or-overwrite forms in ``KEYED``, for a row that exists and for one
that does not yet), on SQLite and on PostgreSQL (``QUDAO_TEST_DATABASE_URL``).

A change to the record that the form does not show (a login, the grade
recompute, any background update) moves the version too, but is no
conflict: the save goes through."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field as dc_field
from datetime import date, timedelta
from typing import Callable

import lxml.html
import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict

from conftest import PASSWORD
from core import clock

CONFLICT_ZH = "该记录已被他人修改"


@dataclass
class Case:
    url: str                      # the page with the edit form
    action: str | None            # where the form posts (None: the page itself)
    field: str                    # the field both users change
    read: Callable                # session -> the field's value in the database
    get: Callable | None = None   # session -> the record (None: a create-or-overwrite form)
    extra: dict[str, str] = dc_field(default_factory=dict)  # other fields both fill in
    values: tuple[str, str] = ("甲的修改 A-111", "乙的修改 B-222")  # what A and B type




def browser_form(html: str, action: str | None) -> MultiDict:
    """The values a browser would submit from the page's versioned form."""
    doc = lxml.html.fromstring(html)
    for form in doc.forms:
        if not form.xpath(".//input[@name='version']"):
            continue
        if action is not None and (form.get("action") or "") != action:
            continue
        textareas = {el.get("name") for el in form.xpath(".//textarea")}
        # A browser drops the newline that follows <textarea>.
        return MultiDict([(k, v[1:] if k in textareas and v.startswith("\n") else v)
                          for k, v in form.form_values()])
    raise AssertionError(f"no versioned form posting to {action} on the page")


def two_tabs(app, case: Case, first: str, second: str):
    """Two signed-in browsers load the form; A saves ``first``, then B saves
    ``second``.  Returns B's response."""
    a, b = app.test_client(), app.test_client()
    a.login("admin")
    b.login("admin")
    fa = browser_form(a.get(case.url).get_data(as_text=True), case.action)
    fb = browser_form(b.get(case.url).get_data(as_text=True), case.action)
    assert fa.get("version") and fa.get("version") == fb.get("version")
    target = case.action or case.url
    for k, v in case.extra.items():
        fa[k] = v  # (MultiDict.update would add a second value)
    fa[case.field] = first
    ra = a.post(target, data=fa)
    assert ra.status_code in (302, 303), ra.get_data(as_text=True)[:2000]
    for k, v in case.extra.items():
        fb[k] = v
    fb[case.field] = second
    return b, b.post(target, data=fb)


# -- the edit forms ------------------------------------------------------------------
def _customer(s, name="冲突测试客户", kind="member"):
    from core.models import OrgUnit, User
    from plugins.customers.services import master

    admin = s.scalar(select(User).where(User.username == "admin"))
    org = s.scalar(select(OrgUnit).where(OrgUnit.code == "HQ"))
    return master.create_customer(s, name=name, kind=kind, org_unit_id=org.id,
                                    owner_id=admin.id, province="浙江省", city="杭州市",
                                    county="西湖区", town="", address="文三路1号")


def case_user(s):
    from core import services
    from core.models import OrgUnit, User

    org = s.scalar(select(OrgUnit).where(OrgUnit.code == "HQ"))
    u, _pw = services.create_user(s, "bob", PASSWORD, ["salesperson"], org)
    s.flush()
    return Case(f"/admin/users/{u.id}", None, "full_name",
                lambda s2: s2.get(User, u.id).full_name, lambda s2: s2.get(User, u.id))


def case_role(s):
    from core.models import Role

    r = s.scalar(select(Role).where(Role.name == "finance"))
    return Case(f"/admin/roles/{r.id}", None, "label", lambda s2: s2.get(Role, r.id).label,
                lambda s2: s2.get(Role, r.id))


def case_org_unit(s):
    from core import services
    from core.models import OrgUnit

    hq = s.scalar(select(OrgUnit).where(OrgUnit.code == "HQ"))
    u = services.create_org_unit(s, "OFF9", "九号办事处", "office", hq)
    s.flush()
    return Case(f"/admin/org-units/{u.id}", None, "name", lambda s2: s2.get(OrgUnit, u.id).name,
                lambda s2: s2.get(OrgUnit, u.id))


def case_customer(s):
    from plugins.customers.models import Customer

    c = _customer(s)
    return Case(f"/customers/{c.id}/edit", None, "address",
                lambda s2: s2.get(Customer, c.id).address, lambda s2: s2.get(Customer, c.id))


def case_contact(s):
    from plugins.customers.services import master
    from plugins.customers.models import Contact

    c = _customer(s)
    ct = master.save_contact(s, c, None, name="王经理", phone="13800000000")
    return Case(f"/customers/contacts/{ct.id}/edit", None, "phone",
                lambda s2: s2.get(Contact, ct.id).phone, lambda s2: s2.get(Contact, ct.id))


def case_visit(s):
    from core.models import User
    from plugins.customers.services import visits
    from plugins.customers.models import Visit

    c = _customer(s)
    admin = s.scalar(select(User).where(User.username == "admin"))
    v = visits.plan(s, c, admin, clock.today(), note="回访")
    s.flush()
    return Case(f"/customers/visits/{v.id}/record", None, "agreed_actions",
                lambda s2: s2.get(Visit, v.id).agreed_actions, lambda s2: s2.get(Visit, v.id))


def case_credit_line(s):
    from plugins.finance.models import CreditProfile
    from plugins.finance.services import credit

    c = _customer(s)
    credit.set_profile(s, c.id, credit_limit="1000", terms="prepayment", term_days=0,
                       valid_until=None, note="初始")
    return Case(f"/finance/customers/{c.id}", f"/finance/customers/{c.id}/credit", "note",
                lambda s2: s2.get(CreditProfile, c.id).note, lambda s2: s2.get(CreditProfile, c.id))


def case_rebate_claim(s):
    from plugins.finance.models import RebateClaim
    from plugins.finance.models.rebates import REBATE_KINDS
    from plugins.finance.services import rebates

    c = _customer(s)
    today = clock.today()
    claim = rebates.create_claim(s, c.id, REBATE_KINDS[0], period_start=today - timedelta(days=30),
                                 period_end=today, lines=[{"product": "电视", "quantity": "2",
                                                           "unit_amount": "50"}], note="草稿")
    return Case(f"/finance/rebates/{claim.id}", f"/finance/rebates/{claim.id}/edit", "note",
                lambda s2: s2.get(RebateClaim, claim.id).note,
                lambda s2: s2.get(RebateClaim, claim.id))


def case_product(s):
    from plugins.dealers.models import DealerProduct
    from plugins.dealers.services import catalog

    p = catalog.save_product(s, None, model="TV-55X", name="55寸电视", category="tv",
                             list_price="3999", floor_price="3500", status="normal")
    return Case(f"/dealers/products/{p.id}", f"/dealers/products/{p.id}", "name",
                lambda s2: s2.get(DealerProduct, p.id).name, lambda s2: s2.get(DealerProduct, p.id))


def case_price_list(s):
    from plugins.dealers.models import DealerPriceList
    from plugins.dealers.services import catalog

    pl = catalog.save_price_list(s, None, name="2026 春季", valid_from=clock.today().isoformat())
    return Case(f"/dealers/price-lists/{pl.id}", f"/dealers/price-lists/{pl.id}", "name",
                lambda s2: s2.get(DealerPriceList, pl.id).name,
                lambda s2: s2.get(DealerPriceList, pl.id))


def case_terminal(s):
    from plugins.dealers.models import DealerTerminal
    from plugins.dealers.services import network

    c = _customer(s, "冲突测试经销商")
    t = network.save_terminal(s, c, None, name="西湖门店", address="文三路2号", province="浙江省",
                              city="杭州市", county="西湖区", town="", display_state="none",
                              has_signage=False, active=True)
    return Case(f"/dealers/terminals/{t.id}", f"/dealers/terminals/{t.id}", "address",
                lambda s2: s2.get(DealerTerminal, t.id).address,
                lambda s2: s2.get(DealerTerminal, t.id))


def case_dealer_profile(s):
    from plugins.dealers.models import DealerProfile
    from plugins.dealers.services import network

    c = _customer(s, "冲突测试经销商")
    prof = network.save_profile(s, c, agreement_no="HT-001")
    return Case(f"/dealers/d/{c.id}", f"/dealers/d/{c.id}/profile", "agreement_no",
                lambda s2: s2.get(DealerProfile, prof.id).agreement_no,
                lambda s2: s2.get(DealerProfile, prof.id))


CASES = {
    "core-user": case_user, "core-role": case_role, "core-org-unit": case_org_unit,
    "customers-customer": case_customer, "customers-contact": case_contact,
    "customers-visit-record": case_visit,
    "finance-credit-line": case_credit_line, "finance-rebate-claim": case_rebate_claim,
    "dealers-product": case_product, "dealers-price-list": case_price_list,
    "dealers-terminal": case_terminal, "dealers-profile": case_dealer_profile,
}


# -- create-or-overwrite forms: the row exists when the page is loaded, or not -------
PERIOD = "2026-11"


def _hq(s):
    from core.models import OrgUnit

    return s.scalar(select(OrgUnit).where(OrgUnit.code == "HQ"))


def _budget_case(s, exists: bool):
    from plugins.finance.models import Budget
    from plugins.finance.services import budgets

    hq = _hq(s)
    if exists:
        budgets.set_budget(s, org_unit_id=hq.id, owner_id=None, year=2026, month=11,
                           kind="sales", amount="50", note="初始")

    def read(s2):
        return s2.scalar(select(Budget.note).where(Budget.org_unit_id == hq.id,
                                                   Budget.year == 2026, Budget.month == 11))
    return Case("/finance/budgets?year=2026&month=11", "/finance/budgets", "note", read,
                extra={"org_unit_id": str(hq.id), "owner_id": "", "kind": "sales",
                       "account_id": "", "amount": "100"})


def _promoter(s):
    from plugins.dealers.services import network

    c = _customer(s, "冲突测试经销商")
    t = network.save_terminal(s, c, None, name="西湖门店", address="文三路2号", province="浙江省",
                              city="杭州市", county="西湖区", town="", display_state="none",
                              has_signage=False, active=True)
    return network.save_promoter(s, t, None, name="小王")


def _promoter_case(s, exists: bool):
    from plugins.dealers.models import DealerPromoterMonth
    from plugins.dealers.services import promoters

    p = _promoter(s)
    if exists:
        promoters.record_month(s, p, period=PERIOD, target_units=20, sold_units=5,
                               main_push_units=1)

    def read(s2):
        v = s2.scalar(select(DealerPromoterMonth.sold_units).where(
            DealerPromoterMonth.promoter_id == p.id, DealerPromoterMonth.period == PERIOD))
        return None if v is None else str(v)
    return Case(f"/dealers/promoters?period={PERIOD}", "/dealers/promoters/month", "sold_units",
                read, extra={"promoter_id": str(p.id), "period": PERIOD, "target_units": "20",
                             "main_push_units": "1"}, values=("12", "15"))


def _evaluation_case(s, exists: bool):
    from plugins.customers.services import evaluation
    from plugins.customers.models import Evaluation

    c = _customer(s)
    scores = dict.fromkeys(evaluation.CRITERIA, 3)
    if exists:
        evaluation.evaluate(s, c, "2026-Q1", scores, None, "初始")

    def read(s2):
        return s2.scalar(select(Evaluation.notes).where(Evaluation.customer_id == c.id,
                                                        Evaluation.period == "2026-Q1"))
    return Case(f"/customers/{c.id}/evaluate", None, "notes", read,
                extra={"period": "2026-Q1", **{k: "3" for k in evaluation.CRITERIA}})


KEYED = {
    "finance-budget-line": lambda s: _budget_case(s, True),
    "finance-budget-line-absent": lambda s: _budget_case(s, False),
    "dealers-promoter-month": lambda s: _promoter_case(s, True),
    "dealers-promoter-month-absent": lambda s: _promoter_case(s, False),
    "customers-evaluation": lambda s: _evaluation_case(s, True),
    "customers-evaluation-absent": lambda s: _evaluation_case(s, False),
}


@pytest.mark.parametrize("name", list(CASES) + list(KEYED))
def test_second_save_of_a_stale_form_is_refused_and_keeps_both_edits(app, name):
    with app.extensions["qudao"].db.session() as s:
        case = {**CASES, **KEYED}[name](s)
    first, second = case.values
    b, resp = two_tabs(app, case, first, second)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409, html[:3000]
    # The message, and the other person's value next to this user's.
    assert CONFLICT_ZH in html and "您的修改尚未保存" in html
    diff = lxml.html.fromstring(html).xpath("//table[@class='conflict-diff']//tr/td/text()")
    assert first in diff and second in diff
    # The first save is kept.
    db = app.extensions["qudao"].db
    with db.session() as s:
        assert case.read(s) == first
    # The second user's input is still in the form, now at the current version …
    again = browser_form(html, case.action)
    assert again[case.field] == second
    for k, v in case.extra.items():
        assert again.get(k, "") == v, k
    # … so after checking, saving once more goes through.
    r = b.post(case.action or case.url, data=again)
    assert r.status_code in (302, 303), r.get_data(as_text=True)[:2000]
    with db.session() as s:
        assert case.read(s) == second


def test_a_form_without_a_version_still_saves(app):
    """Clients that post no version (API scripts) are checked at flush only."""
    with app.extensions["qudao"].db.session() as s:
        case = case_customer(s)
    c = app.test_client()
    c.login("admin")
    data = browser_form(c.get(case.url).get_data(as_text=True), None)
    del data["version"]
    data["address"] = "无版本"
    assert c.post(case.url, data=data).status_code in (302, 303)
    with app.extensions["qudao"].db.session() as s:
        assert case.read(s) == "无版本"


def test_conflict_message_in_english(app):
    from core.models import User

    with app.extensions["qudao"].db.session() as s:
        s.scalar(select(User).where(User.username == "admin")).locale = "en"
        case = case_org_unit(s)
    _b, resp = two_tabs(app, case, "Unit A", "Unit B")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409
    assert "Someone else changed this record" in html and "have not been saved" in html


def test_two_sessions_updating_the_same_row_at_once_exactly_one_wins(app):
    """Two threads, each with its own session and connection, hold the same
    version of a customer and flush an update at the same moment."""
    from core.db import reading
    from plugins.customers.models import Customer

    db = app.extensions["qudao"].db
    with db.session() as s:
        cid = _customer(s).id
    barrier = threading.Barrier(2, timeout=30)
    results: dict[str, str] = {}

    def worker(name: str):
        s = db.Session()
        try:
            with reading():  # load like the form's GET: no write lock held
                c = s.get(Customer, cid)
                assert c.version == 1
                s.commit()  # objects keep their loaded state (expire_on_commit=False)
            barrier.wait()
            c.address = f"{name} 的地址"
            s.commit()
            results[name] = "saved"
        except StaleDataError:
            s.rollback()
            results[name] = "stale"
        finally:
            s.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("甲", "乙")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results.values()) == ["saved", "stale"], results
    winner = next(n for n, r in results.items() if r == "saved")
    with db.session() as s:
        c = s.get(Customer, cid)
        assert c.address == f"{winner} 的地址"
        assert c.version == 2


# -- a change the form does not show is no conflict --------------------------------
def _background_change(db, case: Case) -> None:
    """What a job or another page does to the record: an ORM update of a
    column no edit form shows (here ``updated_at``), which moves the version."""
    with db.session() as s:
        rec = case.get(s)
        before = rec.version
        rec.updated_at = rec.updated_at + timedelta(minutes=5)
        s.flush()
        assert rec.version == before + 1


def _save_after(app, case: Case, meanwhile: Callable, value: str = "改后的值 C-333"):
    db = app.extensions["qudao"].db
    c = app.test_client()
    c.login("admin")
    form = browser_form(c.get(case.url).get_data(as_text=True), case.action)
    meanwhile()
    form[case.field] = value
    resp = c.post(case.action or case.url, data=form)
    with db.session() as s:
        saved = case.read(s)
    return resp, saved


@pytest.mark.parametrize("name", list(CASES))
def test_a_change_to_a_field_the_form_does_not_show_is_not_a_conflict(app, name):
    db = app.extensions["qudao"].db
    with db.session() as s:
        case = CASES[name](s)
    resp, saved = _save_after(app, case, lambda: _background_change(db, case))
    assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:3000]
    assert saved == "改后的值 C-333"


def test_customer_form_saves_after_the_grade_recompute_but_not_after_an_address_change(app):
    from plugins.customers.services import grading
    from plugins.customers.models import Customer

    db = app.extensions["qudao"].db
    with db.session() as s:
        case = case_customer(s)
        cid = s.scalar(select(Customer.id).where(Customer.name == "冲突测试客户"))
        s.get(Customer, cid).status = "active"  # graded customers are the buying ones

    def recompute():
        with db.session() as s:
            v = s.get(Customer, cid).version
            grading.recompute(s)
            s.flush()
            c = s.get(Customer, cid)
            assert c.version > v and c.graded_at is not None

    resp, saved = _save_after(app, case, recompute)
    assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:3000]
    assert saved == "改后的值 C-333"

    def colleague_edits_the_phone():  # a field the form shows
        with db.session() as s:
            s.get(Customer, cid).phone = "0571-88888888"

    resp, saved = _save_after(app, case, colleague_edits_the_phone, "又一个地址")
    assert resp.status_code == 409 and CONFLICT_ZH in resp.get_data(as_text=True)
    assert saved == "改后的值 C-333"
    with db.session() as s:
        assert s.get(Customer, cid).phone == "0571-88888888"


def test_user_form_saves_after_the_user_signs_in(app):
    from core.models import User

    db = app.extensions["qudao"].db
    with db.session() as s:
        case = case_user(s)

    def bob_signs_in():
        with db.session() as s:
            before = s.scalar(select(User).where(User.username == "bob")).version
        assert app.test_client().login("bob").status_code in (302, 303)
        with db.session() as s:
            assert s.scalar(select(User).where(User.username == "bob")).version > before

    resp, saved = _save_after(app, case, bob_signs_in)
    assert resp.status_code in (302, 303), resp.get_data(as_text=True)[:3000]
    assert saved == "改后的值 C-333"


def test_two_people_creating_the_same_budget_line_at_once_one_gets_a_conflict(app):
    """Both pages showed no line for the key; both save at the same moment
    (threads, each with its own client and connection).  The org unit's row
    is locked while the line is looked up and written: one line is created,
    the other save is shown as a conflict — never two lines for one key."""
    from plugins.finance.models import Budget

    db = app.extensions["qudao"].db
    with db.session() as s:
        case = _budget_case(s, False)
    forms = []
    clients = []
    for note in ("甲同时新建", "乙同时新建"):
        c = app.test_client()
        c.login("admin")
        f = browser_form(c.get(case.url).get_data(as_text=True), case.action)
        for k, v in case.extra.items():
            f[k] = v
        f["note"] = note
        clients.append(c)
        forms.append(f)
    barrier = threading.Barrier(2, timeout=30)
    status: dict[int, int] = {}

    def worker(i: int):
        barrier.wait()
        status[i] = clients[i].post(case.action, data=forms[i]).status_code

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(status.values()) == [303, 409], status
    with db.session() as s:
        notes = s.scalars(select(Budget.note).where(Budget.year == 2026, Budget.month == 11)).all()
    winner = 0 if status[0] == 303 else 1
    assert notes == [forms[winner]["note"]]
