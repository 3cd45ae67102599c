"""Account opening (立户申请, seed 000 §四.E): four documents, approval by a
manager of the customer's org unit or above, rejection with a reason."""
from __future__ import annotations

from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import attachments, audit
from core.access import has_permission
from core.db import utcnow
from core.events import emit
from core.i18n import _l
from core.models import Attachment, OrgUnit, User
from core.services import ServiceError, lock

from ..models import (
    ACTIVE,
    APPLYING,
    APPROVED,
    DRAFT,
    PROSPECT,
    REJECTED,
    SUBMITTED,
    Application,
    Customer,
)

TABLE = Application.__tablename__
LICENCE, TAX, LEGAL_ID, FORM = "licence", "tax_registration", "legal_person_id", "application_form"
DOCUMENTS = (LICENCE, TAX, LEGAL_ID, FORM)
OPEN_STATES = (DRAFT, SUBMITTED)


def document_labels() -> dict[str, Any]:
    return {
        LICENCE: _l("Business licence"),
        TAX: _l("Tax registration copy"),
        LEGAL_ID: _l("Legal person's ID copy"),
        FORM: _l("Signed application form"),
    }


def state_labels() -> dict[str, Any]:
    return {DRAFT: _l("Draft"), SUBMITTED: _l("Submitted"), APPROVED: _l("Approved"),
            REJECTED: _l("Rejected")}


def open_application(session: Session, customer: Customer) -> Application | None:
    return session.scalars(
        select(Application).where(Application.customer_id == customer.id,
                                  Application.state.in_(OPEN_STATES))
        .order_by(Application.id.desc())
    ).first()


def start(session: Session, customer: Customer, note: str = "") -> Application:
    """Open an application for a prospect (one open application at a time)."""
    customer = lock(session, customer)
    if customer.status not in (PROSPECT, APPLYING):
        raise ServiceError(_l("Only a prospect can apply for an account."))
    if open_application(session, customer) is not None:
        raise ServiceError(_l("This customer already has an open application."))
    app = Application(customer_id=customer.id, state=DRAFT, note=(note or "").strip() or None)
    session.add(app)
    session.flush()
    return app


def documents(session: Session, app: Application) -> dict[str, Attachment]:
    """The latest upload per required document."""
    rows = session.scalars(
        select(Attachment).where(Attachment.res_table == TABLE,
                                 Attachment.res_id == str(app.id))
        .order_by(Attachment.id)
    )
    return {a.purpose: a for a in rows if a.purpose in DOCUMENTS}


def missing_documents(session: Session, app: Application) -> list[str]:
    have = documents(session, app)
    return [d for d in DOCUMENTS if d not in have]


def upload(session: Session, app: Application, purpose: str, stream: BinaryIO, filename: str,
           user_id: int | None) -> Attachment:
    """PDF/JPEG/PNG only, typed by content and size-limited by core."""
    if purpose not in DOCUMENTS:
        raise ServiceError(_l("Unknown document."))
    app = lock(session, app)
    if app.state not in OPEN_STATES:
        raise ServiceError(_l("This application is closed."))
    try:
        return attachments.save(session, stream, filename, allowed=attachments.IMAGES_AND_PDF,
                                res_table=TABLE, res_id=app.id, purpose=purpose,
                                org_unit_id=app.customer.org_unit_id, user_id=user_id)
    except attachments.AttachmentError as e:
        raise ServiceError(str(e)) from None


def submit(session: Session, app: Application, user: User) -> None:
    app = lock(session, app)
    if app.state != DRAFT:
        raise ServiceError(_l("Only a draft application can be submitted."))
    customer = app.customer
    if not customer.legal_person or not customer.licence_no:
        raise ServiceError(_l("Fill in the legal person and the licence number first."))
    missing = missing_documents(session, app)
    if missing:  # issue 21 #3: nothing to approve without the four documents
        labels = document_labels()
        raise ServiceError(_l("Upload %(docs)s before submitting.",
                              docs="、".join(str(labels[m]) for m in missing)))
    app.state = SUBMITTED
    app.submitted_at = utcnow()
    app.submitted_by = user.id
    audit.set_reason(session, str(_l("Account opening submitted")))
    customer.status = APPLYING
    session.flush()


def may_approve(session: Session, approver: User, customer: Customer) -> bool:
    """A manager of the customer's org unit or of a unit above it."""
    if not has_permission(session, approver, "customers.approve") or approver.read_only:
        return False
    if approver.scope == "all":
        return True
    if approver.scope != "org" or approver.org_unit_id is None:
        return False
    mine = session.get(OrgUnit, approver.org_unit_id)
    theirs = session.get(OrgUnit, customer.org_unit_id)
    return bool(mine and theirs and theirs.path.startswith(mine.path))


def _check_decider(session: Session, app: Application, user: User) -> None:
    if app.state != SUBMITTED:
        raise ServiceError(_l("Only a submitted application can be decided."))
    if not may_approve(session, user, app.customer):
        raise ServiceError(_l("Only a manager of the customer's org unit or above can decide."))
    if app.submitted_by == user.id:
        raise ServiceError(_l("You cannot decide your own application."))


def approve(session: Session, app: Application, user: User, reason: str = "") -> None:
    """All four documents present, legal entity unique → the customer is active,
    on payment before delivery (先款后货) until finance grants credit."""
    app = lock(session, app)  # approved and rejected at once: the second is refused
    _check_decider(session, app, user)
    # the customer may have been changed meanwhile (eliminated, imported…):
    # check its own status under its lock, after the application's
    customer = lock(session, app.customer)
    if customer.status != APPLYING:
        raise ServiceError(_l("This customer is no longer applying for an account."))
    missing = missing_documents(session, app)
    if missing:
        labels = document_labels()
        raise ServiceError(_l("Approval refused: missing %(docs)s.",
                              docs="、".join(str(labels[m]) for m in missing)))
    from .master import duplicate_message, duplicate_of

    customer = app.customer
    other = duplicate_of(session, customer.licence_no, customer.tax_no, exclude_id=customer.id)
    if other is not None:
        raise ServiceError(duplicate_message(other, customer.licence_no, customer.tax_no))
    reason = (reason or "").strip() or str(_l("Account opening approved"))
    audit.set_reason(session, reason)
    app.state = APPROVED
    app.decided_at = utcnow()
    app.decided_by = user.id
    app.decision_reason = reason
    customer.status = ACTIVE
    customer.status_reason = reason
    session.flush()
    emit(session, "customers.approved", customer_id=customer.id)


def reject(session: Session, app: Application, user: User, reason: str) -> None:
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_l("Give a reason for the rejection."))
    app = lock(session, app)
    _check_decider(session, app, user)
    audit.set_reason(session, reason)
    app.state = REJECTED
    app.decided_at = utcnow()
    app.decided_by = user.id
    app.decision_reason = reason
    app.customer.status = PROSPECT
    app.customer.status_reason = reason
    session.flush()
