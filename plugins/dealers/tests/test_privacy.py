"""Promoters' phones are personal data (issue 18): masked on the terminal
page for a salesperson, revealed one at a time (with a purpose, audited) by
an admin."""
from __future__ import annotations

import re

from sqlalchemy import select

from core.models import AuditLog
from plugins.dealers.models import DealerTerminal
from plugins.dealers.services import network

PHONE = "13912345678"


def _promoter(world) -> tuple[int, int]:
    with world.db.session() as s:
        t = s.get(DealerTerminal, world.terminals["a"])
        p = network.save_promoter(s, t, None, name="小王", phone=PHONE)
        s.flush()
        return t.id, p.id


def _reveals(world):
    with world.db.session() as s:
        return [(a.table_name, a.record_id, a.changes["fields"], a.reason)
                for a in s.scalars(select(AuditLog).where(AuditLog.action == "reveal"))]


def test_salesperson_sees_promoter_phones_masked(world, client):
    terminal, promoter = _promoter(world)
    client.login("sales1")
    r = client.get(f"/dealers/terminals/{terminal}")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "小王" in html
    assert "139****5678" in html and PHONE not in html
    assert "data-reveal" not in html
    assert client.post_form(f"/privacy/reveal/dealers_promoter/{promoter}/phone",
                            {"purpose": "contact"}).status_code == 403
    assert _reveals(world) == []


def test_admin_reveals_a_promoter_phone(world, client):
    terminal, promoter = _promoter(world)
    client.login("admin")
    html = client.get(f"/dealers/terminals/{terminal}").get_data(as_text=True)
    assert "139****5678" in html and PHONE not in html
    url = re.search(r'href="(/privacy/reveal/dealers_promoter/%d/phone[^"]*)"' % promoter,
                    html).group(1).replace("&amp;", "&")
    r = client.post_form(url, {"purpose": ""})
    assert r.status_code == 400 and PHONE not in r.get_data(as_text=True)
    r = client.post_form(url, {"purpose": "contact", "detail": "安排培训"})
    assert r.status_code == 200 and PHONE in r.get_data(as_text=True)
    assert _reveals(world) == [("dealers_promoter", str(promoter), ["phone"], "联系本人：安排培训")]
