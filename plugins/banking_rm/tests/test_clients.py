"""Retail customers: list, page, household roll-up, profile, masked export,
someone else's client → 404."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from core.models import AuditLog
from plugins.banking_rm.models import BankRetailProfile
from plugins.banking_rm.services import clients as svc

from .retail_world import TODAY, World


@pytest.fixture
def w(app, make_user, make_org):
    w = World.build(app, make_user, make_org)
    hh = w.household("王家")
    w.customer("wang", "王大伟", household=hh, role="self", potential="high", orientation="value",
               id_number="320102195001011234")
    w.customer("wang_wife", "李秀英", owner="wm2", household=hh, role="spouse")
    w.customer("zhao", "赵小明", owner="wm2")
    w.hold("wang", "deposit", "120000.50")
    w.hold("wang", "wealth", "300000.25", risk="R2")
    w.hold("wang", "credit_card", "50000")        # not an asset: not in AUM
    w.hold("wang", "fund", "99999.99", status="closed")
    w.hold("wang_wife", "term_deposit", "200000.10")
    w.hold("zhao", "deposit", "1000")
    return w


def test_household_roll_up_is_exact(w, client):
    with w.db.session() as s:
        view = svc.household_view(s, s.scalar(select(BankRetailProfile.household_id)
                                               .where(BankRetailProfile.customer_id == w.customers["wang"])))
    assert view["aum"] == Decimal("620000.85")
    assert {m["name"]: m["aum"] for m in view["members"]} == {
        "王大伟": Decimal("420000.75"), "李秀英": Decimal("200000.10")}
    client.login("wm1")
    html = client.get(f"/banking_rm/clients/{w.customers['wang']}").get_data(as_text=True)
    assert "620,000.85" in html and "420,000.75" in html


def test_list_filters_sorts_and_masks(w, client):
    client.login("head")
    html = client.get("/banking_rm/clients").get_data(as_text=True)
    assert "王大伟" in html and "赵小明" in html and "李秀英" in html
    assert "13812345678" not in html and "138****5678" in html
    assert html.index("王大伟") < html.index("李秀英") < html.index("赵小明")  # AUM descending
    html = client.get(f"/banking_rm/clients?owner={w.users['wm2'].id}&sort=name").get_data(as_text=True)
    assert "王大伟" not in html and "赵小明" in html
    html = client.get("/banking_rm/clients?cell=lh").get_data(as_text=True)  # 420k < 500k, high potential
    assert "王大伟" in html and "李秀英" not in html and "赵小明" not in html
    html = client.get("/banking_rm/clients?orientation=value").get_data(as_text=True)
    assert "王大伟" in html and "赵小明" not in html


def test_wealth_manager_sees_own_clients_only(w, client):
    client.login("wm1")
    html = client.get("/banking_rm/clients").get_data(as_text=True)
    assert "王大伟" in html and "赵小明" not in html
    assert client.get(f"/banking_rm/clients/{w.customers['zhao']}").status_code == 404
    assert client.get(f"/banking_rm/clients/{w.customers['zhao']}/profile").status_code == 404
    assert client.get("/banking_rm/clients/999999").status_code == 404
    r = client.post_form(f"/banking_rm/clients/{w.customers['zhao']}/profile", {"potential": "high"})
    assert r.status_code == 404


def test_export_masks_for_user_without_reveal(w, client):
    client.login("head")
    r = client.get("/banking_rm/clients/export.csv")
    assert r.status_code == 200
    text = r.get_data().decode("utf-8-sig")
    assert "王大伟" in text
    assert "13812345678" not in text and "138****5678" in text
    assert "320102195001011234" not in text and "320***********1234" in text


def test_export_clear_for_revealer_is_audited(w, client, app, make_user):
    make_user("boss", ["br_head", "admin"], org_code="NJ1")
    client.login("boss")
    text = client.get("/banking_rm/clients/export.csv").get_data().decode("utf-8-sig")
    assert "13812345678" in text
    with w.db.session() as s:
        assert s.scalar(select(AuditLog.id).where(AuditLog.action == "reveal"))


def test_profile_edit_saved_and_bad_input_refused(w, client):
    client.login("wm1")
    cid = w.customers["wang"]
    page = client.get(f"/banking_rm/clients/{cid}/profile")
    assert page.status_code == 200
    import re

    version = re.search(r'name="version" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    data = {"version": version, "potential": "low", "orientation": "service", "temperament": "phlegmatic",
            "birthday": "1950-01-01", "risk_level": "C3", "risk_assessed_on": TODAY.isoformat(),
            "household_id": "", "household_role": "", "new_household": "", "note": "喜欢安静",
            "id_number": "320***********1234", "pii_shown-id_number": "320***********1234"}
    r = client.post_form(f"/banking_rm/clients/{cid}/profile", data)
    assert r.status_code in (302, 303), r.get_data(as_text=True)[:2000]
    with w.db.session() as s:
        p = s.scalar(select(BankRetailProfile).where(BankRetailProfile.customer_id == cid))
        assert (p.orientation, p.risk_level, p.note) == ("service", "C3", "喜欢安静")
        assert p.id_number == "320102195001011234"  # the masked value posted back keeps the stored one
    # a questionnaire in the future is refused, nothing changes
    page = client.get(f"/banking_rm/clients/{cid}/profile").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="([^"]+)"', page).group(1)
    data.update(version=version, risk_level="C5", risk_assessed_on=(TODAY + timedelta(days=3)).isoformat())
    r = client.post_form(f"/banking_rm/clients/{cid}/profile", data, follow_redirects=True)
    assert "A date in the future is not possible here." in r.get_data(as_text=True)
    with w.db.session() as s:
        assert s.scalar(select(BankRetailProfile.risk_level)
                        .where(BankRetailProfile.customer_id == cid)) == "C3"


def test_important_date_added(w, client):
    client.login("wm1")
    cid = w.customers["wang"]
    r = client.post_form(f"/banking_rm/clients/{cid}/dates", {"label": "结婚纪念日", "on": "1978-05-20"})
    assert r.status_code == 303
    assert "结婚纪念日" in client.get(f"/banking_rm/clients/{cid}").get_data(as_text=True)


def test_overview_per_role_and_widget(w, client, app, make_org, make_user):
    from core import services
    from core.models import OrgUnit

    w.contact("wang", 2)
    client.login("head")
    html = client.get("/banking_rm/").get_data(as_text=True)
    assert "Overdue contacts per manager" in html
    assert "621,000.85" in html  # the branch's AUM: 420000.75 + 200000.10 + 1000
    client.login("wm1")
    html = client.get("/banking_rm/").get_data(as_text=True)
    assert "Contact today" in html and "Overdue contacts per manager" not in html
    client.login("lobby")
    html = client.get("/banking_rm/").get_data(as_text=True)
    assert "Raise-hand census" in html
    # every link the lobby manager is shown works for them
    import re

    for href in set(re.findall(r'href="(/banking_rm/[^"]*)"', html)):
        assert client.get(href.replace("&amp;", "&")).status_code == 200, href
    # the home widget for the branch, and none for someone outside it
    make_org("OFF9", "杭州办事处", "office")
    make_user("office_mgr", "manager", org_code="OFF9")
    with w.db.session() as s:
        services.set_plugin_scope(s, "banking_rm", [s.get(OrgUnit, w.branch_id)], reason="test")
    client.login("head")
    assert "Branch: retail customers" in client.get("/").get_data(as_text=True)
    client.login("office_mgr")
    home = client.get("/").get_data(as_text=True)
    assert "Branch: retail customers" not in home and "/banking_rm/" not in home
    assert client.get("/banking_rm/clients").status_code in (403, 404)
