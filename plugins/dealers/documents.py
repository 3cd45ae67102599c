"""PDF documents of the dealers plugin: order slip (销售指令单) with signature
and stamp boxes and the amount in capitals, dealer agreement (经销协议),
monthly sample count sheet (样机盘点表) and promotion summary.  Contexts are
plain data; only core renders."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.access import scoped_get
from core.i18n import _l
from plugins.customers.api import Customer, kinds

from .labels import state_label
from .models import DealerOrder, DealerPromotion, SampleCount, SampleCountLine, SampleUnit, DealerTerminal
from .models.samples import ON_REGISTER
from .services.common import period_of
from .services.network import is_dealer, profile_of
from .services.promotions import (
    channel_labels,
    data_labels,
    execution_labels,
    step_labels,
    trigger_labels,
)
from core import clock


def _customer(c: Customer, session: Session) -> dict:
    # The kind's label as a lazy string: the document service translates it
    # into the PDF's language, not the reader's.
    return {"code": c.code, "name": c.name, "kind": dict(kinds(session)).get(c.kind, c.kind),
            "address": c.address, "phone": c.phone, "legal_person": c.legal_person,
            "licence_no": c.licence_no or "", "tax_no": c.tax_no or "",
            "region": f"{c.province}{c.city}{c.county}{c.town}"}


def order_slip(session: Session, record_id: str, user) -> dict | None:
    o = scoped_get(session, DealerOrder, int(record_id), user)
    if o is None:
        return None
    return {
        "title": _l("Sales order slip"),
        "file_name": o.number,
        "order": {"number": o.number, "date": o.order_date, "state": state_label(o.state),
                  "delivery_address": o.delivery_address, "delivery_date": o.delivery_date,
                  "total": o.total, "invoice_number": o.invoice_number or "",
                  "confirmed_on": o.confirmed_on, "signed_on": o.signed_on,
                  "signed_by": o.signed_by_name or "", "note": o.note or ""},
        "customer": _customer(o.customer, session),
        "lines": [{"model": ln.product.model, "name": ln.product.name, "quantity": ln.quantity,
                   "unit_price": ln.unit_price, "discount": ln.discount_pct, "net_price": ln.net_price,
                   "amount": ln.amount} for ln in o.lines],
    }


def agreement(session: Session, record_id: str, user) -> dict | None:
    c = scoped_get(session, Customer, int(record_id), user)
    if c is None or not is_dealer(c):
        return None
    prof = profile_of(session, c)
    return {
        "title": _l("Dealer agreement"),
        "file_name": (prof.agreement_no if prof else None) or f"{c.code}-agreement",
        "customer": _customer(c, session),
        "agreement": {
            "number": (prof.agreement_no if prof else None) or "",
            "start": prof.agreement_start if prof else None,
            "end": prof.agreement_end if prof else None,
            "target_amount": prof.annual_target_amount if prof else 0,
            "target_units": prof.annual_target_units if prof else 0,
            "main_push_share": prof.main_push_share_pct if prof else 0,
            "member_fee": prof.member_fee if prof else 0,
            "region": prof.region_label if prof else f"{c.province}{c.city}{c.county}",
            "multi_brand": bool(prof and prof.multi_brand),
        },
    }


def count_sheet(session: Session, record_id: str, user) -> dict | None:
    t = scoped_get(session, DealerTerminal, int(record_id), user)
    if t is None:
        return None
    period = period_of(clock.today())
    units = session.execute(select(SampleUnit).where(SampleUnit.terminal_id == t.id,
                                                     SampleUnit.state.in_(ON_REGISTER))
                            .order_by(SampleUnit.serial_no)).scalars().all()
    last = session.scalar(select(SampleCount).where(SampleCount.terminal_id == t.id)
                          .order_by(SampleCount.count_date.desc(), SampleCount.id.desc()).limit(1))
    last_results = {}
    if last is not None:
        last_results = {ln.sample_id: state_label(ln.result) for ln in session.execute(
            select(SampleCountLine).where(SampleCountLine.count_id == last.id)).scalars()}
    return {
        "title": _l("Sample count sheet"),
        "file_name": f"{t.customer.code}-{t.name}-{period}",
        "terminal": {"name": t.name, "address": t.address,
                     "region": f"{t.province}{t.city}{t.county}{t.town}"},
        "customer": _customer(t.customer, session),
        "period": period,
        "last_count": last.count_date if last else None,
        "units": [{"serial": u.serial_no, "model": u.product.model, "name": u.product.name,
                   "placed_on": u.placed_on, "state": state_label(u.state),
                   "last": last_results.get(u.id, "")} for u in units],
    }


def promotion_summary(session: Session, record_id: str, user) -> dict | None:
    p = scoped_get(session, DealerPromotion, int(record_id), user)
    if p is None:
        return None
    from .services.promotions import sales_comparison

    labels, trig, keys = step_labels(), trigger_labels(), data_labels()
    extra = {**channel_labels(), **execution_labels()}

    def show(v):
        if isinstance(v, list):
            return "、".join(str(extra.get(x, x)) for x in v)
        if isinstance(v, bool):
            return "✓" if v else "—"
        return str(v)

    return {
        "title": _l("Promotion summary"),
        "file_name": p.number,
        "promotion": {"number": p.number, "title": p.title, "start": p.start_date, "end": p.end_date,
                      "budget": p.budget, "cost": p.cost,
                      "triggers": "、".join(str(trig.get(t, t)) for t in p.triggers),
                      "terminal": p.terminal.name if p.terminal else ""},
        "customer": _customer(p.customer, session),
        "steps": [{"label": labels[s.step], "done_on": s.done_on, "notes": s.notes,
                   "data": [{"key": keys.get(k, k), "value": show(v)} for k, v in s.data.items()]}
                  for s in p.steps],
        "comparison": sales_comparison(session, p),
    }
