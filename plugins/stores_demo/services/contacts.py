"""First contact (002 §三): message templates for SMS/WeChat, the phone
script and e-mail, and the contact log, where every entry agrees the next
contact date (the seed's complaint: nobody follows up).  No Flask."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.dates import parse_day
from core.i18n import _l
from core.models import User
from core.services import ServiceError

from ..models.accounts import (CHANNELS, OUTCOMES, TEMPLATE_CHANNELS, StoresDemoAccount,
                               StoresDemoContact, StoresDemoContactTemplate)
from core import clock

#: how far ahead a next contact may be agreed
MAX_DAYS_AHEAD = 366


def _day(value, label) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return parse_day(str(value))
    except ServiceError:
        raise ServiceError(_l("%(field)s: %(value)s is not a date.", field=label, value=value)) from None


def save_template(session: Session, template: StoresDemoContactTemplate | None, *, channel: str,
                  name: str, body: str, subject: str = "", active=True) -> StoresDemoContactTemplate:
    channel, name, body = (channel or "").strip(), (name or "").strip(), (body or "").strip()
    if channel not in TEMPLATE_CHANNELS:
        raise ServiceError(_l("Choose SMS/WeChat, phone or e-mail."))
    if not name or len(name) > 120:
        raise ServiceError(_l("Give the template a name (at most 120 characters)."))
    if not body:
        raise ServiceError(_l("Write the message or script."))
    if len(body) > 8000 or len(subject or "") > 200:
        raise ServiceError(_l("The template is too long."))
    if template is None:
        template = StoresDemoContactTemplate()
        session.add(template)
    template.channel, template.name, template.body = channel, name, body
    template.subject = (subject or "").strip() or None
    template.active = active if isinstance(active, bool) else str(active).lower() in ("1", "y", "on", "true")
    session.flush()
    return template


def delete_template(session: Session, template: StoresDemoContactTemplate) -> None:
    used = session.scalar(select(StoresDemoContact.id)
                          .where(StoresDemoContact.template_id == template.id).limit(1))
    if used is not None:
        # Kept for the log that cites it; it just stops being offered.
        template.active = False
    else:
        session.delete(template)
    session.flush()


def templates(session: Session, active_only: bool = True) -> list[StoresDemoContactTemplate]:
    stmt = select(StoresDemoContactTemplate).order_by(StoresDemoContactTemplate.channel,
                                                      StoresDemoContactTemplate.name)
    if active_only:
        stmt = stmt.where(StoresDemoContactTemplate.active.is_(True))
    return list(session.scalars(stmt))


def log_contact(session: Session, user: User, customer, *, channel: str, contacted_on,
                outcome: str, next_contact_on, note: str = "", template_id=None) -> StoresDemoContact:
    """One contact; refused without the next contact date (or with one
    before the contact).  Keeps the account's ``next_contact_on``."""
    if channel not in CHANNELS:
        raise ServiceError(_l("Choose how you contacted the account."))
    if outcome not in OUTCOMES:
        raise ServiceError(_l("Choose the outcome of the contact."))
    today = clock.today()
    on = _day(contacted_on, _l("Contact date")) or today
    if on > today:
        raise ServiceError(_l("A contact cannot be logged in the future."))
    nxt = _day(next_contact_on, _l("Next contact"))
    if nxt is None:
        raise ServiceError(_l("Agree the next contact date: every contact needs one."))
    if nxt <= on:
        raise ServiceError(_l("The next contact must come after this one."))
    if (nxt - on).days > MAX_DAYS_AHEAD:
        raise ServiceError(_l("The next contact must be within a year."))
    note = (note or "").strip()
    if len(note) > 4000:
        raise ServiceError(_l("The note is too long (at most 4000 characters)."))
    tid = None
    if template_id not in (None, ""):
        tpl = session.get(StoresDemoContactTemplate, int(template_id)) if str(template_id).isdigit() else None
        if tpl is None:
            raise ServiceError(_l("Unknown message template."))
        tid = tpl.id
    if session.scalar(select(StoresDemoAccount.id).where(StoresDemoAccount.customer_id == customer.id)) is None:
        raise ServiceError(_l("Only key accounts have a contact log."))
    entry = StoresDemoContact(customer_id=customer.id, channel=channel, contacted_on=on,
                              outcome=outcome, note=note or None, next_contact_on=nxt,
                              template_id=tid, user_id=user.id)
    session.add(entry)
    # The account's next date follows its latest contact.
    session.execute(update(StoresDemoAccount).where(StoresDemoAccount.customer_id == customer.id)
                    .values(next_contact_on=nxt).execution_options(synchronize_session=False))
    session.flush()
    return entry


def contact_log(session: Session, customer_id: int, limit: int = 50) -> list[StoresDemoContact]:
    return list(session.scalars(select(StoresDemoContact)
                                .where(StoresDemoContact.customer_id == customer_id)
                                .order_by(StoresDemoContact.contacted_on.desc(),
                                          StoresDemoContact.id.desc()).limit(limit)))
