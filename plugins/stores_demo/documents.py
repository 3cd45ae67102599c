"""PDF documents of the stores_demo plugin: the custom order contract
(定制合同) with its terms, amounts in Chinese capitals and signature / seal
boxes, the appraisal certificate and warranty (鉴定证书/质保单), and the
periodic development report per developer.  Contexts are plain data; only
core renders."""
from __future__ import annotations

from sqlalchemy.orm import Session

from core import access, privacy
from core.access import scoped_get
from core.i18n import _l
from core.models import SCOPE_ALL, User
from core.services import ServiceError
from plugins.customers.api import customer_ids_for

from .declarations import APPROVE
from .models import StoresDemoCustomOrder, StoresDemoService
from .services.custom_orders import balance_due, deposit_bounds
from .services.devreport import developer_report, month_bounds


def _customer(session, c, user) -> dict:
    phone = c.phone or ""
    if phone and not privacy.can_reveal(session, user):
        phone = privacy.mask_phone(phone)
    return {"code": c.code, "name": c.name, "phone": phone}


def custom_order_contract(session, record_id: str, user) -> dict | None:
    o = scoped_get(session, StoresDemoCustomOrder, int(record_id), user)
    if o is None:
        return None
    low, _high = deposit_bounds(session, o)
    return {
        "title": _l("Custom order contract"),
        "customer": _customer(session, o.customer, user),
        "order": {"number": o.number, "ordered_on": o.ordered_on, "due_date": o.due_date,
                  "brief": o.brief, "style": o.style or "", "metal": o.metal, "stones": o.stones or "",
                  "stones_price": o.stones_price, "estimated_weight": o.estimated_weight,
                  "gold_price": o.gold_price, "lock_expires": o.lock_expires, "labour_fee": o.labour_fee,
                  "estimated_price": o.estimated_price, "deposit": o.deposit or 0, "min_deposit": low,
                  "balance": balance_due(o), "actual_weight": o.actual_weight,
                  "final_price": o.final_price},
    }


def appraisal_certificate(session, record_id: str, user) -> dict | None:
    r = scoped_get(session, StoresDemoService, int(record_id), user)
    if r is None or r.kind != "appraisal":  # only an appraisal has a certificate
        return None
    piece = None
    if r.piece_id:
        from .models import StoresDemoPiece

        p = session.get(StoresDemoPiece, r.piece_id)
        piece = {"sku": p.sku, "name": p.name, "metal": p.metal, "gross_weight": p.gross_weight,
                 "net_weight": p.net_weight, "stone": p.stone or "", "carat": p.carat,
                 "colour": p.colour or "", "clarity": p.clarity or "", "cut": p.cut or "",
                 "certificate_lab": p.certificate_lab or "", "sold_on": p.sold_on}
    return {
        "title": _l("Appraisal certificate and warranty"),
        "customer": _customer(session, r.customer, user),
        "service": {"number": r.number, "kind": r.kind, "description": r.description,
                    "certificate_no": r.certificate_no or "", "received_on": r.received_on,
                    "condition": r.condition_notes or "", "declared_value": r.declared_value,
                    "finding": r.finding or "", "ours": r.ours},
        "piece": piece,
    }


def report_target(session: Session, user_id, reader) -> User | None:
    """The developer whose report ``reader`` may read: their own, or anyone's
    for a manager or a company-wide reader such as the auditor (who still see
    only the accounts in their scope)."""
    try:
        target = session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    if target is None:
        return None
    if (target.id != reader.id and reader.scope != SCOPE_ALL
            and not access.has_permission(session, reader, APPROVE)):
        return None
    return target


def development_report(session: Session, record_id: str, user) -> dict | None:
    """``record_id`` is "<developer's user id>:<YYYY-MM>"."""
    uid, _sep, period = str(record_id).partition(":")
    target = report_target(session, uid, user)
    if target is None:
        return None
    try:
        start, end = month_bounds(period)
    except ServiceError:
        return None
    rep = developer_report(session, customer_ids_for(user), target.id, target.display_name, start, end)
    from .development_labels import state_label

    return {
        "title": _l("Development report"),
        "developer": rep.name, "start": rep.start, "end": rep.last_day,
        "plans": [{"customer": p.customer.name, "title": p.title, "status": str(state_label(p.status)),
                   "forecast_sales": p.forecast_sales, "expected_value": p.expected_value}
                  for p in rep.plans],
        "visits": [{"customer": v.customer.name, "date": v.planned_on, "status": str(state_label(v.status)),
                    "purpose": v.purpose, "key_points": v.key_points or "",
                    "views": v.customer_views or "", "next": v.next_visit_on}
                   for v in rep.visits],
        "receptions": [{"customer": r.customer.name, "date": r.visit_on,
                        "status": str(state_label(r.status)), "experience": r.buying_experience or "",
                        "outcome": r.outcome or ""} for r in rep.receptions],
        "accounts": [{"customer": a.name, "revenue": a.revenue, "expense": a.expense}
                     for a in rep.accounts],
        "revenue": rep.revenue, "expense": rep.expense,
    }
