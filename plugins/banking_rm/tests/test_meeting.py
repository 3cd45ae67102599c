"""Campaigns on the seven touchpoints and the evening meeting (page + PDF)."""
from __future__ import annotations

import io
from datetime import date, timedelta

from pypdf import PdfReader
from sqlalchemy import select

from plugins.banking_rm.models import BankCampaign
from plugins.banking_rm.services import activity as act
from plugins.banking_rm.services import referrals as refs
from core import clock

TODAY = clock.today()


def _campaign(client, **kw):
    data = {"name": "春季理财节", "theme": "短期理财产品", "touchpoint": "waiting",
            "start_on": (TODAY - timedelta(days=3)).isoformat(),
            "end_on": (TODAY + timedelta(days=20)).isoformat(),
            "script": "您好，这期理财节有七天短期产品。", "note": "礼品：茶具一套，办理五万元以上赠送"}
    data.update(kw)
    return client.post_form("/banking_rm/campaigns/new", data, follow_redirects=True)


def test_campaign_crud_and_results(branch, client):
    client.login("head")
    r = _campaign(client, end_on=(TODAY - timedelta(days=10)).isoformat())
    assert r.status_code == 422
    _campaign(client)
    with branch.db.session() as s:
        c = s.scalar(select(BankCampaign))
        cid, version = c.id, c.version
    # staff log against the campaign and refer in it
    with branch.db.session() as s:
        for _ in range(3):
            act.log_activity(s, branch.user(s, "teller"), "pitch", campaign_id=cid)
        refs.create_referral(s, branch.user(s, "teller"), customer_id=branch.customers["a"],
                             receiver_id=branch.users["wm1"].id, product_kind="wealth", campaign_id=cid)
    page = client.get("/banking_rm/campaigns").get_data(as_text=True)
    assert "春季理财节" in page
    page = client.get(f"/banking_rm/campaigns/{cid}").get_data(as_text=True)
    assert "茶具一套" in page and ">3<" in page
    r = client.post_form(f"/banking_rm/campaigns/{cid}/edit", {
        "name": "春季理财节（延长）", "start_on": (TODAY - timedelta(days=3)).isoformat(),
        "end_on": (TODAY + timedelta(days=40)).isoformat(), "version": version,
        "note": "礼品：茶具一套，办理五万元以上赠送"})
    assert r.status_code == 303
    # a stale form is refused
    r = client.post_form(f"/banking_rm/campaigns/{cid}/edit", {
        "name": "旧页面", "start_on": TODAY.isoformat(), "end_on": TODAY.isoformat(), "version": version})
    assert r.status_code == 422
    with branch.db.session() as s:
        assert s.get(BankCampaign, cid).name == "春季理财节（延长）"
    # everyone sees the rules; only the head edits
    client.login("teller")
    assert "茶具一套" in client.get(f"/banking_rm/campaigns/{cid}").get_data(as_text=True)
    assert client.get("/banking_rm/campaigns/new").status_code == 403
    assert client.post_form(f"/banking_rm/campaigns/{cid}/edit", {"name": "x"}).status_code == 403


def test_evening_meeting_page_notes_and_pdf_in_chinese(branch, client):
    with branch.db.session() as s:
        for _ in range(4):
            act.log_activity(s, branch.user(s, "wm1"), "call")
        refs.create_referral(s, branch.user(s, "lobby"), customer_id=branch.customers["b"],
                             receiver_id=branch.users["wm2"].id, product_kind="fund")
    client.login("head")
    page = client.get("/banking_rm/meeting").get_data(as_text=True)
    assert "李秀英" in page and "wm1" in page
    r = client.post_form("/banking_rm/meeting", {"day": TODAY.isoformat(), "problems": "客户嫌收益低",
                                                 "focus": "明天主推七天理财"}, follow_redirects=True)
    assert "明天主推七天理财" in r.get_data(as_text=True)
    r = client.post_form(f"/documents/issue/banking_rm.meeting/{TODAY.isoformat()}",
                         follow_redirects=True)
    assert r.status_code == 200 and r.data[:4] == b"%PDF"
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(r.data)).pages).replace(" ", "")
    assert "明天主推七天理财" in text and "李秀英" in text and "客户嫌收益低" in text
    # a wealth manager reads the meeting but does not write its notes
    client.login("wm1")
    assert client.get("/banking_rm/meeting").status_code == 200
    assert client.post_form("/banking_rm/meeting", {"problems": "x"}).status_code == 403


def test_every_menu_page_opens_for_every_branch_role(branch, client):
    pages = ["/banking_rm/activity", "/banking_rm/league", "/banking_rm/stages", "/banking_rm/referrals",
             "/banking_rm/referrals/conversion", "/banking_rm/campaigns", "/banking_rm/meeting"]
    for who in ("head", "lobby", "teller", "wm1"):
        client.login(who)
        for url in pages:
            assert client.get(url).status_code == 200, (who, url)
    client.login("head")
    assert client.get("/banking_rm/spot-checks").status_code == 200
    assert client.get("/banking_rm/referrals/new").status_code == 200
