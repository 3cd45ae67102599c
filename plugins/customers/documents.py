"""The customer card (客户档案卡) PDF: plain data for
``customers/pdf/card.html``; core's document service renders and archives it.
An internal document: personal data is always masked in it (issue 18; an
archived PDF travels further than a page, and a reveal is one value)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import access, privacy
from core.models import OrgUnit, User

from .services import evaluation, loyalty, man, master, visits
from .models import Customer, ManCheck, Visit


def build_context(session: Session, record_id: str, user) -> dict | None:
    try:
        ident = int(record_id)
    except (TypeError, ValueError):
        return None
    c = access.scoped_get(session, Customer, ident, user)
    if c is None:
        return None
    owner = session.get(User, c.owner_id) if c.owner_id else None
    unit = session.get(OrgUnit, c.org_unit_id)
    lt = loyalty.BY_CODE.get(c.loyalty_type)
    last_man = session.scalars(select(ManCheck).where(ManCheck.customer_id == c.id)
                               .order_by(ManCheck.id.desc())).first()
    evals = evaluation.history(session, c)[:4]
    recent = session.scalars(select(Visit).where(Visit.customer_id == c.id, Visit.state == "done")
                             .order_by(Visit.visit_date.desc()).limit(5)).all()
    objectives = visits.objective_labels()
    actions = evaluation.action_labels()
    return {
        "customer": {
            "code": c.code, "name": c.name,
            "kind": dict(master.kinds(session)).get(c.kind, c.kind),
            "status": master.status_labels()[c.status],
            "grade": c.grade or "—", "grade_manual": c.grade_override is not None,
            "grade_reason": c.grade_override_reason or "",
            "region": " ".join(x for x in (c.province, c.city, c.county, c.town) if x),
            "address": privacy.mask(c.address, "address"), "phone": privacy.mask(c.phone, "phone"), "tags": c.tags,
            "legal_person": c.legal_person, "licence_no": c.licence_no or "",
            "tax_no": c.tax_no or "",
            "owner": owner.display_name if owner else "",
            "org_unit": unit.name if unit else "",
            "last_visit": c.last_visit_on,
            "boss_family": c.boss_family or "", "boss_hobbies": c.boss_hobbies or "",
            "boss_personality": c.boss_personality or "", "real_decider": c.real_decider or "",
            "notes": c.notes or "",
        },
        "contacts": [{"name": ct.name, "role": ct.role, "phone": privacy.mask(ct.phone, "phone"), "wechat": ct.wechat,
                      "birthday": ct.birthday, "decider": ct.is_decider} for ct in c.contacts],
        "loyalty": ({"label": lt.label, "meaning": lt.meaning, "strategy": lt.strategy}
                    if lt else None),
        "man": ({"letters": man.letters(last_man.money, last_man.authority, last_man.need),
                 "action": man.outcome_labels()[last_man.outcome]} if last_man else None),
        "evaluations": [{"period": evaluation.period_label(e.period), "score": e.score, "action": actions[e.action]}
                        for e in evals],
        "visits": [{"date": v.visit_date,
                    "objectives": "、".join(str(objectives.get(o, o)) for o in v.objectives),
                    "actions": v.agreed_actions or ""} for v in recent],
    }
