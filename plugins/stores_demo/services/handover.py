"""A leaving developer's accounts handed to colleagues in one step, by a
rule (round robin, or by account kind), with one audited handover record
and an audited owner change on every account.  No Flask; callers commit."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.access import subtree_ids
from core.i18n import _l
from core.models import User
from core.services import ServiceError, lock_rows
from plugins.customers import api as customers

from ..declarations import KINDS
from ..models.accounts import BY_KIND, HANDOVER_RULES, ROUND_ROBIN, StoresDemoHandover


def _colleague(session: Session, actor: User, user_id) -> User:
    u = session.get(User, int(user_id)) if str(user_id).isdigit() else None
    if u is None or (actor.scope != "all" and u.org_unit_id not in
                     session.scalars(subtree_ids(actor.org_unit_id)).all()):
        raise ServiceError(_l("Choose people of your own department."))
    return u


def handover(session: Session, actor: User, *, from_user_id, to_user_ids, rule: str,
             reason: str = "") -> StoresDemoHandover:
    """Give every key account of ``from_user_id`` (that ``actor`` may edit)
    to ``to_user_ids``: round robin in account order, or by kind (each kind
    goes to one colleague, kinds dealt round robin)."""
    if rule not in HANDOVER_RULES:
        raise ServiceError(_l("Choose how to share the accounts out."))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason for the handover."))
    leaving = _colleague(session, actor, from_user_id)
    to_ids = list(dict.fromkeys(str(i) for i in (to_user_ids or []) if str(i).strip()))
    takers = [_colleague(session, actor, i) for i in to_ids]
    if not takers:
        raise ServiceError(_l("Choose at least one colleague to take the accounts."))
    if any(t.id == leaving.id for t in takers):
        raise ServiceError(_l("The leaving developer cannot take their own accounts."))
    if any(not t.active for t in takers):
        raise ServiceError(_l("Hand the accounts to active colleagues only."))
    C = customers.Customer
    accounts = lock_rows(session, customers.scoped_customers(session, actor, "edit")
                         .where(C.owner_id == leaving.id, C.kind.in_(KINDS)).order_by(C.id))
    if not accounts:
        raise ServiceError(_l("%(name)s has no key accounts to hand over.", name=leaving.display_name))
    assignments: dict[str, list[int]] = {str(t.id): [] for t in takers}
    kinds_seen: dict[str, User] = {}
    audit.set_reason(session, str(_l("Handover of %(name)s's accounts: %(reason)s",
                                     name=leaving.display_name, reason=reason)))
    for i, c in enumerate(accounts):
        if rule == BY_KIND:
            taker = kinds_seen.setdefault(c.kind, takers[len(kinds_seen) % len(takers)])
        else:
            taker = takers[i % len(takers)]
        c.owner_id = taker.id
        if taker.org_unit_id is not None:
            c.org_unit_id = taker.org_unit_id
        assignments[str(taker.id)].append(c.id)
    record = StoresDemoHandover(from_user_id=leaving.id, rule=rule, assignments=assignments,
                                accounts=len(accounts), reason=reason, done_by=actor.id)
    session.add(record)
    session.flush()
    return record
