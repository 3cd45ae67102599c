"""The retail-client demo: the branch's people and customers whose holdings
obey the suitability gate."""
from __future__ import annotations

from sqlalchemy import func, select

from core.models import OrgUnit, User
from plugins.banking_rm.demo_clients import load_clients
from plugins.banking_rm.models import BankHolding, BankRetailProfile


def test_demo_clients(app, make_org, make_user):
    bank = make_org("NJ-BANK", "南京新街口支行", "bank_branch")
    make_user("bank_head", "manager", org_unit=bank)
    make_user("bank_rm", "salesperson", org_unit=bank)
    db = app.extensions["qudao"].db
    with db.session() as s:
        users = {u.username: u for u in s.scalars(select(User))}
        ctx = {"bank": s.get(OrgUnit, bank.id), "users": users}
        rows = load_clients(s, ctx, n=40)
        people = ctx["bank_people"]
        assert len(rows) == 40
        assert len(people["wealth"]) == 3 and len(people["tellers"]) == 2 and people["lobby"]
        assert "br_head" in {r.name for r in people["head"].roles}
    with db.session() as s:
        assert s.scalar(select(func.count(BankRetailProfile.id))) == 40
        too_risky = s.scalar(
            select(func.count(BankHolding.id))
            .join(BankRetailProfile, BankRetailProfile.customer_id == BankHolding.customer_id)
            .where(BankHolding.risk_level.is_not(None),
                   (BankRetailProfile.risk_level.is_(None))
                   | (func.substr(BankHolding.risk_level, 2, 1) > func.substr(BankRetailProfile.risk_level, 2, 1))))
        assert too_risky == 0
        assert s.scalar(select(func.count(BankHolding.id)).where(BankHolding.risk_level.is_not(None),
                                                                 BankHolding.recording_ref.is_(None))) == 0
