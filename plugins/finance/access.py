"""Row access for finance rows: customer documents follow their customer
(a salesperson sees only their customers' invoices, payments, statements …);
ledger entries without a customer follow their org unit."""
from __future__ import annotations

from sqlalchemy import and_, false, or_

from core.access import default_rule, subtree_ids
from core.models import SCOPE_ALL, SCOPE_ORG
from plugins.customers.api import customer_ids_for

from .models import (
    Allocation,
    CreditCommitment,
    CreditNote,
    CreditOverride,
    CreditProfile,
    Entry,
    Invoice,
    Payment,
    RebateClaim,
    Statement,
)
from .models.statements import StatementDispute

#: Models with a ``customer_id`` that follow the customer's access.
CUSTOMER_MODELS = (Invoice, Payment, CreditNote, Allocation, CreditProfile, CreditCommitment,
                   CreditOverride, RebateClaim, Statement)


def scope_rules(model, user, action) -> list:
    if model in CUSTOMER_MODELS:
        return [model.customer_id.in_(customer_ids_for(user, action))]
    if model is StatementDispute:
        from sqlalchemy import select

        return [StatementDispute.statement_id.in_(
            select(Statement.id).where(Statement.customer_id.in_(customer_ids_for(user, action))))]
    if model is Entry:
        return [_entry_rule(user, action)]
    return []


def _entry_rule(user, action):
    if action != "view" and user.read_only:
        return false()
    by_customer = and_(Entry.customer_id.is_not(None),
                       Entry.customer_id.in_(customer_ids_for(user, action)))
    if user.scope == SCOPE_ALL:
        return or_(Entry.customer_id.is_(None), by_customer)
    if user.scope == SCOPE_ORG:
        own = Entry.unit_id.in_(subtree_ids(user.org_unit_id))
    else:
        own = Entry.salesperson_id == user.id
    return or_(and_(Entry.customer_id.is_(None), own), by_customer)


__all__ = ["scope_rules", "default_rule"]
