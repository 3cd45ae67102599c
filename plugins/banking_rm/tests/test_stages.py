"""Relationship stages: evidence required, one step forward, history, and
two managers moving the same customer at once → one winner."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from core.services import ServiceError
from plugins.banking_rm.models import BankRetailProfile, BankStageMove
from plugins.banking_rm.services import stages as svc


def _stage(branch, key="a"):
    with branch.db.session() as s:
        return s.scalar(select(BankRetailProfile.stage).where(
            BankRetailProfile.customer_id == branch.customers[key]))


def test_move_without_evidence_is_refused_and_changes_nothing(branch, client):
    cid = branch.customers["a"]
    client.login("wm1")
    r = client.post_form(f"/banking_rm/stages/{cid}", {"from_stage": "acquainted",
                                                      "to_stage": "understood", "evidence": " "},
                         follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "evidence" in page or "依据" in page
    assert _stage(branch) in (None, "acquainted")
    with branch.db.session() as s:
        assert s.scalar(select(func.count()).select_from(BankStageMove)) == 0


def test_move_with_evidence_records_history(branch, client):
    cid = branch.customers["a"]
    client.login("wm1")
    r = client.post_form(f"/banking_rm/stages/{cid}", {
        "from_stage": "acquainted", "to_stage": "understood",
        "evidence": "客户参加了周六的理财沙龙"}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "客户参加了周六的理财沙龙" in page
    assert _stage(branch) == "understood"
    # skipping a stage is refused
    r = client.post_form(f"/banking_rm/stages/{cid}", {
        "from_stage": "understood", "to_stage": "companion", "evidence": "介绍了朋友"},
        follow_redirects=True)
    assert _stage(branch) == "understood"
    # a file is evidence too
    r = client.post(f"/banking_rm/stages/{cid}", data={
        "csrf_token": client.csrf, "from_stage": "understood", "to_stage": "trusted", "evidence": "",
        "file": (io.BytesIO(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
                 "photo.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 303
    assert _stage(branch) == "trusted"
    with branch.db.session() as s:
        moves = svc.history(s, cid)
        assert [(m.from_stage, m.to_stage) for m in moves] == [("understood", "trusted"),
                                                              ("acquainted", "understood")]
        assert moves[0].attachment_id is not None


def test_someone_elses_customer_is_404(branch, client):
    client.login("wm1")
    assert client.get(f"/banking_rm/stages/{branch.customers['b']}").status_code == 404
    r = client.post_form(f"/banking_rm/stages/{branch.customers['b']}", {
        "from_stage": "acquainted", "to_stage": "understood", "evidence": "见过面了"})
    assert r.status_code == 404
    assert client.get("/banking_rm/stages").status_code == 200


def test_concurrent_moves_one_winner(branch, race):
    cid = branch.customers["a"]
    with branch.db.session() as s:
        svc.profile(s, cid)

    def work(key):
        def go(s):
            return svc.move_stage(s, branch.user(s, key), cid, from_stage="acquainted",
                                  to_stage="understood", evidence=f"{key} 的依据：客户来参加活动")
        return go

    results = race(work("wm1"), work("head"), work("wm1"))
    wins = [r for r in results if not isinstance(r, ServiceError)]
    assert len(wins) == 1
    assert all("meanwhile" in str(r) or "已" in str(r) for r in results if isinstance(r, ServiceError))
    with branch.db.session() as s:
        assert s.scalar(select(func.count()).select_from(BankStageMove)) == 1
    assert _stage(branch) == "understood"
