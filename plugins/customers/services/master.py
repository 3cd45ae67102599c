"""Customer master rules: create and edit with the legal-entity checks,
status life cycle with reasons, owner reassignment.  No Flask; callers commit.

Account opening, MAN, grading, evaluation, visits and import live in their
own modules beside this one.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core import audit
from core.access import has_permission, hooks_for, subtree_ids
from core.i18n import _l, _lp
from core.models import OrgUnit, User
from core.sequences import next_number
from core.services import ServiceError, lock

from . import divisions, uscc
from ..models import (
    ACTIVE,
    APPLYING,
    ELIMINATED,
    PROSPECT,
    STATUSES,
    SUSPENDED,
    Contact,
    Customer,
)

SEQUENCE = "customers.customer"

#: Fields a user edits on the customer form (and the import file carries).
EDITABLE = (
    "name", "kind", "tags", "province", "city", "county", "town", "address", "phone",
    "legal_person", "licence_no", "tax_no", "boss_family", "boss_hobbies",
    "boss_personality", "real_decider", "notes",
)
LENGTHS = {"name": 200, "kind": 40, "tags": 255, "province": 40, "city": 40, "county": 40,
           "town": 60, "address": 255, "phone": 40, "legal_person": 80, "licence_no": 18,
           "tax_no": 30, "real_decider": 120}

# Status moves made by hand (domain: prospect → applying → active → suspended
# → eliminated).  prospect → applying → active/prospect happen only through
# the account-opening application (opening.py).
TRANSITIONS = {
    PROSPECT: {ELIMINATED},
    APPLYING: set(),
    ACTIVE: {SUSPENDED, ELIMINATED},
    SUSPENDED: {ACTIVE, ELIMINATED},
    ELIMINATED: {PROSPECT},
}


def status_labels() -> dict[str, Any]:
    return {
        PROSPECT: _l("Prospect"),
        APPLYING: _l("Applying"),
        # Its own context: "Active" elsewhere (users, price lists) is 启用, not 正式客户.
        ACTIVE: _lp("customer status", "Active"),
        SUSPENDED: _l("Suspended"),
        ELIMINATED: _l("Eliminated"),
    }


def kinds(session: Session) -> list[tuple[str, Any]]:
    """Kinds of every enabled plugin; the first declaration of a code wins."""
    seen: dict[str, Any] = {}
    for code, label in hooks_for(session).flat("customer_kinds"):
        seen.setdefault(code, label)
    return sorted(seen.items(), key=lambda kv: kv[0])


# -- validation -----------------------------------------------------------
def clean_fields(fields: dict) -> dict:
    """Strip strings, upper-case the legal numbers, empty → None for the
    unique ones (NULLs never collide)."""
    out = {}
    for key, value in fields.items():
        if key not in EDITABLE:
            raise ServiceError(_l("Unknown customer field: %(field)s", field=key))
        if value is None:
            value = ""
        value = str(value).strip()
        if key in ("licence_no", "tax_no"):
            value = value.upper() or None
        elif key in ("boss_family", "boss_hobbies", "boss_personality", "real_decider", "notes"):
            value = value or None
        out[key] = value
    if "province" in out:  # standard names of the national division list (浙江 → 浙江省)
        std = divisions.normalise(out["province"], out.get("city", ""), out.get("county", ""))
        if std is not None:
            for key, value in zip(("province", "city", "county"), std):
                if key in out:
                    out[key] = value
    return out


def field_problems(session: Session, fields: dict, known_kinds: set[str] | None = None) -> list:
    """Messages for bad values (not counting duplicates); empty when fine."""
    problems = []
    if "name" in fields and not fields["name"]:
        problems.append(_l("The customer name is required."))
    if "kind" in fields:
        if known_kinds is None:
            known_kinds = {k for k, _label in kinds(session)}
        if fields["kind"] not in known_kinds:
            problems.append(_l("Unknown customer kind: %(kind)s", kind=fields["kind"]))
    for key, limit in LENGTHS.items():
        value = fields.get(key)
        if value and len(value) > limit:
            problems.append(_l("%(field)s is longer than %(n)s characters.", field=key, n=limit))
    problem = region_problem(fields)
    if problem is not None:
        problems.append(problem)
    code = fields.get("licence_no")
    if code:
        reason = uscc.problem(code)
        if reason == "length":
            problems.append(_l("The unified social credit code has 18 characters."))
        elif reason is not None:
            problems.append(_l("The unified social credit code %(code)s is not valid "
                               "(GB 32100-2015 check failed).", code=code))
    return problems


#: The fields that identify a legal entity.  A unified social credit code is
#: also the entity's tax number (since 2015), so every identifier is checked
#: against every one of these fields (issue 21 #2).
IDENTIFIERS = ("licence_no", "tax_no")


def region_problem(fields: dict):
    """A message when the province / city / county given are not one branch
    of the national division list (GB/T 2260), else None (issue 21 #5)."""
    if not any(fields.get(k) for k in ("province", "city", "county")):
        return None
    if "province" not in fields:
        return None  # an edit that leaves the region alone
    values = [fields.get(k) or "" for k in ("province", "city", "county")]
    if divisions.normalise(*values) is None:
        return _l("%(region)s is not a province, city and county of the national division "
                  "list (GB/T 2260).", region=" ".join(v for v in values if v))
    return None


def duplicate_of(session: Session, licence_no: str | None, tax_no: str | None,
                 exclude_id: int | None = None) -> Customer | None:
    """The existing account of the same legal entity, looked up unscoped:
    one legal entity, one account, whoever owns it (no 挂户/并户).  Each
    number given is looked for in every identifier field."""
    numbers = sorted({n for n in (licence_no, tax_no) if n})
    if not numbers:
        return None
    stmt = select(Customer).where(or_(*(getattr(Customer, f).in_(numbers) for f in IDENTIFIERS)))
    if exclude_id is not None:
        stmt = stmt.where(Customer.id != exclude_id)
    return session.scalars(stmt.order_by(Customer.id).limit(1)).first()


def duplicate_message(existing: Customer, licence_no: str | None, tax_no: str | None):
    """Names the number, the field of the existing account that holds it, and the account."""
    for no in (licence_no, tax_no):
        if no and existing.licence_no == no:
            return _l("Licence number %(no)s already belongs to customer %(code)s %(name)s: "
                      "one legal entity, one account.", no=no, code=existing.code,
                      name=existing.name)
    no = next(n for n in (licence_no, tax_no) if n and existing.tax_no == n)
    return _l("Tax number %(no)s already belongs to customer %(code)s %(name)s: "
              "one legal entity, one account.", no=no, code=existing.code, name=existing.name)


def _check(session: Session, fields: dict, exclude_id: int | None = None) -> None:
    problems = field_problems(session, fields)
    if problems:
        raise ServiceError(problems[0])
    existing = duplicate_of(session, fields.get("licence_no"), fields.get("tax_no"), exclude_id)
    if existing is not None:
        raise ServiceError(duplicate_message(existing, fields.get("licence_no"),
                                             fields.get("tax_no")))


# -- create / edit -----------------------------------------------------------
def create_customer(session: Session, *, name: str, kind: str, org_unit_id: int,
                    owner_id: int | None = None, contacts: list[dict] | None = None,
                    **fields) -> Customer:
    """A new prospect with a sequence code; refuses invalid codes and a second
    account for the same legal entity."""
    data = clean_fields({"name": name, "kind": kind, **fields})
    problems = field_problems(session, data)
    if problems:
        raise ServiceError(problems[0])
    if session.get(OrgUnit, org_unit_id) is None:
        raise ServiceError(_l("Unknown org unit."))
    # The code first: taking it holds the sequence's row until commit, so two
    # customers created at once are checked for the same legal entity one
    # after the other (a licence number typed as the other's tax number is
    # caught by no unique index).  A refusal rolls back, the code unused.
    code = next_number(session, SEQUENCE)
    _check(session, data)
    customer = Customer(code=code, org_unit_id=org_unit_id,
                        owner_id=owner_id, status=PROSPECT, **data)
    for c in contacts or ():
        customer.contacts.append(Contact(**c))
    session.add(customer)
    session.flush()
    return customer


def update_customer(session: Session, customer: Customer, **fields) -> Customer:
    data = clean_fields(fields)
    _check(session, data, exclude_id=customer.id)
    for key, value in data.items():
        setattr(customer, key, value)
    session.flush()
    return customer


def needs_manager(old: str, new: str) -> bool:
    """Activating, suspending, and eliminating a buying customer are manager
    decisions; a salesperson may drop or revive a prospect."""
    return new in (ACTIVE, SUSPENDED) or (new == ELIMINATED and old in (ACTIVE, SUSPENDED))


def set_status(session: Session, customer: Customer, status: str, reason: str,
               actor: User | None = None) -> None:
    """Move along the life cycle; every change carries a reason in the audit trail."""
    reason = (reason or "").strip()
    if status not in STATUSES:
        raise ServiceError(_l("Unknown status: %(status)s", status=status))
    if not reason:
        raise ServiceError(_l("Give a reason for the status change."))
    customer = lock(session, customer)
    if status == customer.status:
        raise ServiceError(_l("The customer already has this status."))
    if status not in TRANSITIONS[customer.status]:
        labels = status_labels()
        raise ServiceError(_l("A customer cannot go from %(a)s to %(b)s.",
                              a=labels[customer.status], b=labels[status]))
    if (actor is not None and needs_manager(customer.status, status)
            and not has_permission(session, actor, "customers.approve")):
        raise ServiceError(_l("Only a manager can make this status change."))
    _move(session, customer, status, reason)


def _move(session: Session, customer: Customer, status: str, reason: str) -> None:
    audit.set_reason(session, reason)
    customer.status = status
    customer.status_reason = reason
    session.flush()


def reassign_owner(session: Session, customer: Customer, new_owner: User, reason: str,
                   actor: User) -> None:
    """A manager hands a customer to another salesperson of their subtree; audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason for the reassignment."))
    if actor.scope == "own":
        raise ServiceError(_l("Only a manager can reassign a customer."))
    customer = lock(session, customer)
    if not new_owner.active:
        raise ServiceError(_l("User %(name)s is not active.", name=new_owner.username))
    allowed = session.scalars(subtree_ids(actor.org_unit_id)).all()
    if actor.scope != "all" and new_owner.org_unit_id not in allowed:
        raise ServiceError(_l("%(name)s is outside your org unit.", name=new_owner.display_name))
    if new_owner.id == customer.owner_id:
        raise ServiceError(_l("%(name)s already owns this customer.", name=new_owner.display_name))
    audit.set_reason(session, reason)
    customer.owner_id = new_owner.id
    if new_owner.org_unit_id is not None:
        customer.org_unit_id = new_owner.org_unit_id
    session.flush()


# -- contacts ---------------------------------------------------------------
CONTACT_FIELDS = ("name", "role", "phone", "wechat", "email", "birthday", "is_decider", "notes")


def save_contact(session: Session, customer: Customer, contact: Contact | None = None,
                 **fields) -> Contact:
    name = (fields.get("name") or "").strip()
    if not name:
        raise ServiceError(_l("The contact's name is required."))
    if contact is None:
        contact = Contact(customer_id=customer.id)
        session.add(contact)
    for key in CONTACT_FIELDS:
        if key in fields:
            value = fields[key]
            if isinstance(value, str):
                value = value.strip()
            setattr(contact, key, value)
    session.flush()
    return contact


def delete_contact(session: Session, contact: Contact) -> None:
    session.delete(contact)
    session.flush()
