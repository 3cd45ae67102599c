"""What the search box finds a customer by besides its own fields (issue 21
#6): the legal person, every contact's name and phone, and the pinyin
initials of the customer's, the legal person's and the contacts' names
(``hzyl`` finds 杭州永利电器, ``dl`` finds the contact 董磊).

They are kept in ``Customer.search_also``, one column of the search index
(``searchindex.FIELDS``), written whenever a customer or one of its contacts
is saved through the ORM (``before_flush``, attached by the app to its
sessions through ``register_session_events``) and by the import's bulk
insert (``also_text``)."""
from __future__ import annotations

from pypinyin import Style, lazy_pinyin
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

SEP = "\x1f"


def initials(text: str | None) -> str:
    """Pinyin initials of the Chinese characters of ``text`` (others dropped):
    杭州永利电器 → hzyldq."""
    if not text:
        return ""
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore")).lower()


def also_text(name: str | None, legal_person: str | None,
              contacts: list[tuple[str | None, str | None]]) -> str:
    """The ``search_also`` value: parts joined by U+001F (the index's separator,
    so no search matches across two parts)."""
    parts = [legal_person or "", initials(name), initials(legal_person)]
    for cname, phone in contacts:
        parts += [cname or "", phone or "", initials(cname)]
    return SEP.join(p for p in parts if p)


def _refresh(session: Session, customer) -> None:
    """Write ``customer.search_also`` from what the session holds now: its
    contacts in the database (as this session changed them), less the ones
    being deleted, plus the ones being added (through the relationship or by
    ``customer_id``).  Not from ``customer.contacts`` alone: a collection
    loaded earlier in a session that keeps objects across commits is stale."""
    from ..models import Contact

    with session.no_autoflush:
        found = list(customer.contacts) if customer.id is None else list(session.scalars(
            select(Contact).where(Contact.customer_id == customer.id).order_by(Contact.id)))
        found += [c for c in session.new if isinstance(c, Contact) and c not in found
                  and (c.customer is customer
                       or (customer.id is not None and c.customer_id == customer.id))]
        rows = [(c.name, c.phone) for c in found if c not in session.deleted]
    value = also_text(customer.name, customer.legal_person, rows)
    if customer.search_also != value:
        customer.search_also = value


def before_flush(session: Session, _ctx, _instances) -> None:
    from ..models import Contact, Customer

    touched = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Customer) and obj not in session.deleted:
            # Only a change of what the words come from (a grading run
            # rewrites thousands of customers' figures, not their names).
            state = inspect(obj)
            if state.pending or any(state.attrs[k].history.has_changes()
                                    for k in ("name", "legal_person", "contacts")):
                touched[id(obj)] = obj
        elif isinstance(obj, Contact):
            cust = obj.customer if obj.customer is not None else (
                session.get(Customer, obj.customer_id) if obj.customer_id else None)
            if cust is not None and cust not in session.deleted:
                touched[id(cust)] = cust
    for cust in touched.values():
        _refresh(session, cust)


def rebuild(session: Session) -> int:
    """Write ``search_also`` of every customer afresh (``qudao customers reindex``)."""
    from ..models import Contact, Customer

    contacts: dict[int, list] = {}
    for cid, name, phone in session.execute(
            select(Contact.customer_id, Contact.name, Contact.phone).order_by(Contact.id)):
        contacts.setdefault(cid, []).append((name, phone))
    n = 0
    for c in session.scalars(select(Customer)):
        value = also_text(c.name, c.legal_person, contacts.get(c.id, []))
        if c.search_also != value:
            c.search_also = value
            n += 1
    session.flush()
    return n
