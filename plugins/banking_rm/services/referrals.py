"""Referrals (转介): the lobby manager's and the teller's flows end by handing
a customer to a wealth manager — who referred, whom, for what product, with
which one-sentence script, from which touchpoint, in which campaign.

- the same customer is not referred again within the window (setting) —
  unless the earlier referral was declined;
- the receiver accepts or declines, then records the outcome: a sale
  (product, amount, commission) or no sale;
- ownership and commission split (seed 004, appendix "客户归属及佣金分配原则"):
  the referrer gets ``referrer_share_pct`` % of the commission and the
  receiver the rest; after a sale the customer belongs to the receiver
  (setting ``referral_owner``);
- every state change is one conditional UPDATE, so a double click or two
  tabs never accept and decline the same referral."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.orm import Session

from core import access, privacy, settings
from core.db import utcnow
from core.i18n import _l
from core.models import Role, User, user_role
from core.services import ServiceError, lock
from plugins.customers.api import Customer

from ..declarations import KIND_RETAIL, WEALTH
from ..models.activity import (
    ACCEPTED,
    DECLINED,
    LOST,
    PENDING,
    PROSPECT_CRITERIA,
    WON,
    BankReferral,
)
from ..models.campaigns import TOUCHPOINTS
from ..models.clients import PRODUCT_KINDS, BankRetailProfile
from .activity import branch_customer, branch_users, campaign_or_none
from core import clock

CENT = Decimal("0.01")
RECEIVER_ROLES = (WEALTH, "salesperson")

CRITERIA_LABELS = {
    "idle_funds": _l("Idle funds of 2 million yuan or more"),
    "accepts_risk": _l("Accepts investment risk"),
    "reachable": _l("We can reach them"),
    "seeks_return": _l("Their own business does not earn such a return"),
    "delegates": _l("Prefers others to invest for them"),
}
STATE_LABELS = {
    PENDING: _l("Waiting for the wealth manager"), ACCEPTED: _l("Accepted"),
    DECLINED: _l("Declined"), WON: _l("Sold"), LOST: _l("No sale"),
}


def receivers(session: Session, user) -> list[User]:
    """The wealth managers of the user's branch."""
    stmt = (select(User).join(user_role, user_role.c.user_id == User.id)
            .join(Role, Role.id == user_role.c.role_id)
            .where(Role.name.in_(RECEIVER_ROLES), User.active.is_(True),
                   User.id.in_(branch_users(user)))
            .order_by(User.username).distinct())
    return list(session.execute(stmt).scalars())


PICK_LIMIT = 10


def pick_customers(session: Session, user, q: str) -> tuple[list[dict], bool]:
    """The teller's and lobby manager's referral picker: the retail customers
    of the user's branch matching ``q`` — a name (two characters or more),
    a customer number, a mobile or bank-card number (whole, or its last four
    digits or more).  At most :data:`PICK_LIMIT` rows, phone and card masked:
    the front line finds the customer in front of them, it does not browse
    the client book (seed 004: the teller's one sentence, then the referral).
    Returns ``(rows, more)``; a query too short raises ServiceError."""
    text = (q or "").strip()[:60]
    digits = "".join(ch for ch in text if ch not in " -")
    C, P = Customer, BankRetailProfile
    if digits.isdigit():
        if len(digits) < 4:
            raise ServiceError(_l("Type at least 4 digits of the mobile or card number."))
        tail = f"%{digits}"
        match = or_(C.phone == digits, C.phone.like(tail), P.card_number == digits,
                    P.card_number.like(tail), C.code == text)
    else:
        if len(text) < 2:
            raise ServiceError(_l("Type at least 2 characters of the name."))
        like = f"%{text.replace('%', '').replace('_', '')}%"
        match = or_(C.name.like(like), func.upper(C.code) == text.upper())
    stmt = (select(C.id, C.code, C.name, C.phone, P.card_number, User.full_name, User.username)
            .outerjoin(P, P.customer_id == C.id).outerjoin(User, User.id == C.owner_id)
            .where(C.kind == KIND_RETAIL, match))
    if user.scope != "all":
        # the branch's customers (the same rule as the referral itself:
        # services/activity.branch_customer) — the user's own scope is not widened
        stmt = stmt.where(or_(C.org_unit_id.in_(access.subtree_ids(user.org_unit_id)),
                              C.owner_id == user.id))
    rows = session.execute(stmt.order_by(C.name, C.id).limit(PICK_LIMIT + 1)).all()
    out = [{"id": cid, "code": code, "name": name,
            "phone": privacy.mask(phone, "phone"), "card": privacy.mask(card, "bank_card"),
            "manager": full or uname or ""}
           for cid, code, name, phone, card, full, uname in rows[:PICK_LIMIT]]
    return out, len(rows) > PICK_LIMIT


def picked(session: Session, user, customer_id) -> dict | None:
    """One customer of the branch for the referral form, masked like the
    picker's rows; None when it is not a customer of the user's branch."""
    c = branch_customer(session, user, customer_id)
    if c is None or c.kind != KIND_RETAIL:
        return None
    card = session.scalar(select(BankRetailProfile.card_number).where(BankRetailProfile.customer_id == c.id))
    return {"id": c.id, "code": c.code, "name": c.name, "phone": privacy.mask(c.phone, "phone"),
            "card": privacy.mask(card, "bank_card")}


def _money(raw, what) -> Decimal:
    try:
        v = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ServiceError(_l("%(what)s must be an amount like 50000.00.", what=what)) from None
    if not v.is_finite() or v < 0 or v >= Decimal("1e14"):
        raise ServiceError(_l("%(what)s must be an amount of zero or more.", what=what))
    return v.quantize(CENT)


def create_referral(session: Session, user, *, customer_id, receiver_id, product_kind: str,
                    script: str = "", touchpoint: str = "", campaign_id=None,
                    criteria=(), note: str = "", now: datetime | None = None) -> BankReferral:
    now = now or utcnow()
    c = branch_customer(session, user, customer_id)
    if c is None:
        raise ServiceError(_l("Unknown customer."))
    try:
        rid = int(receiver_id)
    except (TypeError, ValueError):
        rid = None
    if rid is None or rid not in {u.id for u in receivers(session, user)}:
        raise ServiceError(_l("Choose a wealth manager of the branch to receive the customer."))
    if rid == user.id:
        raise ServiceError(_l("Nobody refers a customer to themselves."))
    if product_kind not in PRODUCT_KINDS:
        raise ServiceError(_l("Choose the product the customer is interested in."))
    if touchpoint and touchpoint not in TOUCHPOINTS:
        raise ServiceError(_l("Unknown touchpoint."))
    bad = [k for k in criteria if k not in PROSPECT_CRITERIA]
    if bad:
        raise ServiceError(_l("Unknown prospect criterion."))
    camp = campaign_or_none(session, campaign_id, clock.today())
    # One referral per customer per window: lock the customer so two
    # referrals of the same customer at the same moment are serialised.
    lock(session, Customer, c.id)
    days = int(settings.get(session, "banking_rm.referral_window_days"))
    if days:
        R = BankReferral
        earlier = session.execute(
            select(R).where(R.customer_id == c.id, R.state != DECLINED,
                            R.created_at >= now - timedelta(days=days))
            .order_by(R.created_at.desc()).limit(1)).scalar_one_or_none()
        if earlier is not None:
            raise ServiceError(_l("%(name)s was referred on %(day)s already; the same customer is "
                                  "not referred again within %(n)s days.",
                                  name=c.name, day=earlier.created_at.date(), n=days))
    r = BankReferral(customer_id=c.id, org_unit_id=user.org_unit_id, referrer_id=user.id,
                     receiver_id=rid, product_kind=product_kind,
                     script=(script or "").strip()[:200] or None, touchpoint=touchpoint or None,
                     campaign_id=camp, criteria=",".join(k for k in PROSPECT_CRITERIA if k in criteria),
                     state=PENDING, note=(note or "").strip() or None,
                     created_at=now, updated_at=now)
    session.add(r)
    session.flush()
    return r


def _move(session: Session, r: BankReferral, user, old: str, **values) -> None:
    values.setdefault("updated_at", utcnow())
    done = session.execute(
        update(BankReferral).where(BankReferral.id == r.id, BankReferral.state == old,
                                   BankReferral.receiver_id == user.id)
        .values(**values).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        session.refresh(r)
        raise ServiceError(_l("This referral is %(state)s now; nothing was changed.",
                              state=STATE_LABELS.get(r.state, r.state)))
    _audit(session, r, user, {k: values[k] for k in values if k != "updated_at"}, old)
    session.refresh(r)


def _audit(session: Session, r: BankReferral, user, changes: dict, old: str) -> None:
    """The conditional UPDATE bypasses the ORM's audit listener: write the row."""
    from core.audit import _plain
    from core.models import AuditLog

    ch = {k: [old if k == "state" else getattr(r, k, None), _plain(v)] for k, v in changes.items()}
    ch = {k: [_plain(a), b] for k, (a, b) in ch.items()}
    session.add(AuditLog(at=utcnow(), user_id=user.id, table_name=BankReferral.__tablename__,
                         record_id=str(r.id), action="update", changes=ch,
                         reason=session.info.get("audit_reason")))
    session.flush()


def accept(session: Session, user, r: BankReferral) -> None:
    _move(session, r, user, PENDING, state=ACCEPTED, decided_at=utcnow())


def decline(session: Session, user, r: BankReferral, reason: str) -> None:
    if not (reason or "").strip():
        raise ServiceError(_l("Say why the referral is declined."))
    _move(session, r, user, PENDING, state=DECLINED, decided_at=utcnow(),
          decline_reason=reason.strip())


def close(session: Session, user, r: BankReferral, *, sold: bool, product_name: str = "",
          amount="0", commission="0", note: str = "") -> None:
    """Record the outcome of an accepted referral: a sale or none."""
    if not sold:
        _move(session, r, user, ACCEPTED, state=LOST, closed_at=utcnow(),
              note=(note or "").strip() or r.note)
        return
    name = (product_name or "").strip()
    if not name:
        raise ServiceError(_l("Name the product that was sold."))
    amt = _money(amount, _l("The amount"))
    if amt <= 0:
        raise ServiceError(_l("The amount of a sale must be more than zero."))
    com = _money(commission or "0", _l("The commission"))
    pct = Decimal(str(settings.get(session, "banking_rm.referrer_share_pct")))
    ref_share = (com * pct / 100).quantize(CENT)
    _move(session, r, user, ACCEPTED, state=WON, closed_at=utcnow(), product_name=name[:120],
          amount=amt, commission=com, referrer_share=ref_share, receiver_share=com - ref_share,
          note=(note or "").strip() or r.note)
    if settings.get(session, "banking_rm.referral_owner") == "receiver":
        c = lock(session, Customer, r.customer_id)
        if c is not None and getattr(c, "owner_id", None) != r.receiver_id:
            c.owner_id = r.receiver_id
            session.flush()


def conversion(session: Session, user, start: date, end: date, by: str = "referrer") -> list[dict]:
    """Referrals made in [start, end] per referrer (or touchpoint, campaign):
    count, accepted, sold, amount and commission — one SQL aggregate."""
    R = BankReferral
    key = {"referrer": R.referrer_id, "touchpoint": R.touchpoint, "campaign": R.campaign_id}[by]
    lo, hi = clock.utc_bounds(start, end)
    won = R.state == WON
    stmt = (select(key, func.count(R.id),
                   func.sum(case((R.state.in_((ACCEPTED, WON, LOST)), 1), else_=0)),
                   func.sum(case((won, 1), else_=0)),
                   func.coalesce(func.sum(case((won, R.amount), else_=None)), 0),
                   func.coalesce(func.sum(case((won, R.referrer_share), else_=None)), 0))
            .where(R.created_at >= lo, R.created_at < hi, R.org_unit_id.in_(
                select(User.org_unit_id).where(User.id.in_(branch_users(user)))))
            .group_by(key))
    out = []
    for k, n, acc, sold, amount, share in session.execute(stmt):
        n = int(n)
        out.append({"key": k, "count": n, "accepted": int(acc or 0), "sold": int(sold or 0),
                    "amount": Decimal(amount or 0).quantize(CENT),
                    "referrer_share": Decimal(share or 0).quantize(CENT),
                    "rate": round(100 * int(sold or 0) / n) if n else 0})
    return out
