"""Key accounts: create one (a customer of a key-account kind plus its
profile), edit the profile, list them, and count what each introducer
brought in.  No Flask; callers commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, Select, String, bindparam, func, or_, select
from sqlalchemy.orm import Session

from core import state_cache
from core.access import kept_statement
from core.i18n import _l
from core.models import User
from core.services import ServiceError
from plugins.customers import api as customers

from ..declarations import KINDS
from ..models.accounts import LEAD_SOURCES, LEVELS, STAGES, StoresDemoAccount
from .pipeline import visible
from core import clock

#: Profile fields a user edits, with their maximum length (None: free text).
TEXT_FIELDS = ("economy", "health", "family", "work", "social_circle", "hobbies", "culture",
               "aspirations", "personality", "pieces_owned", "needs", "buying_habits",
               "purchase_purposes")
SHORT_FIELDS = {"decision_maker": 120, "buyer": 120, "end_user": 120, "need_department": 120,
                "deciding_department": 120, "competitor_brands": 200, "mobile": 40}
LEVEL_FIELDS = ("price_sensitivity", "product_sensitivity", "environment_sensitivity",
                "spend_to_income", "uniqueness_need", "purchase_complexity")
EDITABLE = TEXT_FIELDS + tuple(SHORT_FIELDS) + LEVEL_FIELDS + (
    "lead_source", "introducer_id", "is_organisation")

PAGE = 50
#: list sort keys → columns (``-`` prefix: descending)
SORTS = ("name", "code", "stage", "since", "next")


def stage_label(n: int | None):
    from ..account_labels import STAGE_LABELS

    if n is None or not 1 <= n <= len(STAGES):
        return ""
    return STAGE_LABELS[STAGES[n - 1]]


def account_of(session: Session, customer) -> StoresDemoAccount | None:
    return session.scalar(select(StoresDemoAccount).where(StoresDemoAccount.customer_id == customer.id))


def is_key_account(customer) -> bool:
    return customer is not None and customer.kind in KINDS


def clean_profile(session: Session, fields: dict[str, Any], customer_id: int | None = None) -> dict:
    """The profile fields of a form, checked; raises ServiceError with the
    first problem in the reader's language."""
    out: dict[str, Any] = {}
    for key in TEXT_FIELDS:
        if key in fields:
            v = (fields.get(key) or "").strip()
            if len(v) > 4000:
                raise ServiceError(_l("%(field)s is too long (at most 4000 characters).", field=key))
            out[key] = v or None
    for key, size in SHORT_FIELDS.items():
        if key in fields:
            v = (fields.get(key) or "").strip()
            if len(v) > size:
                raise ServiceError(_l("%(field)s is too long (at most %(n)d characters).",
                                      field=key, n=size))
            out[key] = v if key == "mobile" else (v or None)
    if "mobile" in out and out["mobile"]:
        digits = out["mobile"].replace(" ", "").replace("-", "")
        if not (digits.lstrip("+").isdigit() and 7 <= len(digits.lstrip("+")) <= 15):
            raise ServiceError(_l("Mobile number %(value)s is not a phone number.", value=out["mobile"]))
        out["mobile"] = digits
    for key in LEVEL_FIELDS:
        if key in fields:
            v = (fields.get(key) or "").strip()
            if v and v not in LEVELS:
                raise ServiceError(_l("Choose low, medium or high."))
            out[key] = v or None
    if "lead_source" in fields:
        v = (fields.get("lead_source") or "").strip()
        if v and v not in LEAD_SOURCES:
            raise ServiceError(_l("Unknown lead source."))
        out["lead_source"] = v or None
    if "is_organisation" in fields:
        out["is_organisation"] = str(fields.get("is_organisation")).lower() in ("1", "y", "true", "on")
    if "introducer_id" in fields:
        raw = str(fields.get("introducer_id") or "").strip()
        if not raw:
            out["introducer_id"] = None
        else:
            intro = customers.get_customer(session, raw)
            if intro is None or not is_key_account(intro):
                raise ServiceError(_l("The introducer must be another key account."))
            if customer_id is not None and intro.id == customer_id:
                raise ServiceError(_l("An account cannot introduce itself."))
            out["introducer_id"] = intro.id
    return out


def create_account(session: Session, user: User, *, name: str, kind: str, org_unit_id: int,
                   owner_id: int | None = None, stage: int = 1, **profile) -> Any:
    """A new key account: the customer (through the customers plugin's
    checks) and its profile.  Returns the Customer."""
    if kind not in KINDS:
        raise ServiceError(_l("Choose a key-account kind."))
    if not (name or "").strip():
        raise ServiceError(_l("Give the account a name."))
    data = clean_profile(session, profile)
    customer = customers.create_customer(session, name=name.strip(), kind=kind,
                                         org_unit_id=org_unit_id, owner_id=owner_id or user.id)
    if not 1 <= int(stage) <= len(STAGES):
        raise ServiceError(_l("Unknown pipeline stage."))
    session.add(StoresDemoAccount(customer_id=customer.id, stage=int(stage), **data))
    session.flush()
    return customer


def save_profile(session: Session, customer, fields: dict) -> StoresDemoAccount:
    """Edit the profile (created on first save for a key account without one)."""
    if not is_key_account(customer):
        raise ServiceError(_l("Only key accounts have a key-account profile."))
    data = clean_profile(session, {k: v for k, v in fields.items() if k in EDITABLE}, customer.id)
    account = account_of(session, customer)
    if account is None:
        account = StoresDemoAccount(customer_id=customer.id)
        session.add(account)
    for key, value in data.items():
        setattr(account, key, value)
    session.flush()
    return account


# -- lists ------------------------------------------------------------------------
@dataclass
class ListFilter:
    owner_id: int | None = None
    kind: str = ""
    stage: int | None = None
    q: str = ""
    sort: str = "name"
    desc: bool = False
    page: int = 1


def list_select(session: Session, user: User, f: ListFilter) -> tuple[Select, dict]:
    """The key-account list: one row per account the user may see, plain
    columns only (no ORM objects), filtered, sorted and paged in SQL; with
    its parameters (the search pattern and the page offset are bound, not
    built in).  The statement is kept per user and filter shape
    (``kept_statement``): building it (the scope rules of every plugin)
    cost more than running it."""
    shape = (f.owner_id, f.kind, f.stage, bool(f.q), f.sort, f.desc)
    stmt = kept_statement(session, user, ("stores_demo.accounts",) + shape,
                          lambda: _list_select(session, user, f))
    params = {"sd_offset": (f.page - 1) * PAGE}
    if f.q:
        params["sd_like"] = f"%{f.q}%"
    return stmt, params


def _list_select(session: Session, user: User, f: ListFilter) -> Select:
    C, A = customers.Customer, StoresDemoAccount
    stmt = (select(C.id, C.code, C.name, C.kind, C.owner_id, func.coalesce(func.nullif(User.full_name, ""), User.username).label("owner"),
                   A.id.label("account_id"), A.stage, A.stage_since, A.mobile, A.next_contact_on)
            .select_from(C).join(A, A.customer_id == C.id)
            .outerjoin(User, User.id == C.owner_id)
            .where(*visible(session, user)))
    if f.owner_id:
        stmt = stmt.where(C.owner_id == f.owner_id)
    if f.kind in KINDS:
        stmt = stmt.where(C.kind == f.kind)
    if f.stage:
        stmt = stmt.where(A.stage == f.stage)
    if f.q:
        like = bindparam("sd_like", type_=String)
        stmt = stmt.where(or_(C.name.ilike(like), C.code.ilike(like)))
    col = {"name": C.name, "code": C.code, "stage": A.stage, "since": A.stage_since,
           "next": A.next_contact_on}.get(f.sort, C.name)
    order = col.desc() if f.desc else col.asc()
    return stmt.order_by(order, C.id).offset(bindparam("sd_offset", type_=Integer)).limit(PAGE + 1)


def kept(session: Session, key: tuple, make):
    """``make()``, kept by the process until users, roles, org units,
    plugins or settings change (``core.state_cache``): for values read from
    those tables only.  Made afresh outside a request."""
    shared = state_cache.shared(session)
    if shared is None:
        return make()
    return shared.state.kept(shared.version, key, make)


def owners_for(session: Session, user: User) -> list[tuple[int, str]]:
    """The people whose accounts ``user`` may filter by: themselves for a
    developer, everyone of their org subtree for a manager.  Read from
    core_user and core_org_unit only, so kept until they change."""
    if user.scope == "own":
        return [(user.id, user.display_name or user.username)]
    return kept(session, ("stores_demo.owners", user.scope, user.org_unit_id),
                lambda: _owners(session, user))


def _owners(session: Session, user: User) -> list[tuple[int, str]]:
    from core.access import subtree_ids

    stmt = select(User.id, User.full_name, User.username).where(User.active.is_(True))
    if user.scope != "all":
        stmt = stmt.where(User.org_unit_id.in_(subtree_ids(user.org_unit_id)))
    return [(i, d or u) for i, d, u in session.execute(stmt.order_by(User.username))]


# -- introducers ------------------------------------------------------------------
def introduced(session: Session, user: User, introducer_id: int) -> list:
    """The accounts ``introducer_id`` brought in, as the user may see them."""
    C, A = customers.Customer, StoresDemoAccount
    return session.execute(
        select(C.id, C.code, C.name, A.stage).join(A, A.customer_id == C.id)
        .where(A.introducer_id == introducer_id, C.id.in_(customers.customer_ids_for(user)))
        .order_by(C.name)).all()


def introducer_stats(session: Session, user: User, introducer_ids=None,
                     start: date | None = None, end: date | None = None) -> dict[int, tuple[int, Decimal]]:
    """``{introducer_id: (accounts introduced, their revenue)}``.  Revenue is
    what every plugin reports through customers' ``customer_purchase_amounts``
    hook (finance invoices, store sales …) in ``[start, end)`` (default: all
    time up to tomorrow)."""
    C, A = customers.Customer, StoresDemoAccount
    start = start or date(2000, 1, 1)
    end = end or clock.today() + timedelta(days=1)
    base = (select(A.introducer_id, A.customer_id).join(C, C.id == A.customer_id)
            .where(A.introducer_id.is_not(None), C.id.in_(customers.customer_ids_for(user))))
    if introducer_ids is not None:
        base = base.where(A.introducer_id.in_(list(introducer_ids)))
    counts = dict(session.execute(base.with_only_columns(A.introducer_id, func.count(A.customer_id))
                                  .group_by(A.introducer_id)).all())
    ids_q = base.with_only_columns(A.customer_id)
    amounts = customers.purchase_amounts(session, ids_q, start, end)
    by_intro: dict[int, Decimal] = {}
    for intro, cid in session.execute(base):
        by_intro[intro] = by_intro.get(intro, Decimal("0")) + amounts.get(cid, Decimal("0"))
    return {i: (int(n), by_intro.get(i, Decimal("0")).quantize(Decimal("0.01"))) for i, n in counts.items()}
