"""The one posting service: every amount in the ledger arrives through
``post_entry`` (other plugins call it through ``plugins.finance.api``).

- debits = credits to the cent, at least two lines, no float;
- gapless numbers per journal and year (``core.sequences``, same transaction);
- nothing dated on or before the lock date; the lock date only moves forward;
- dates inside the window and amounts under the ceiling (``limits``), lines
  on accounts that need a customer (``chart.REQUIRED_DIMENSIONS``) carry one;
- every entry extends a SHA-256 chain: hash = sha256(previous hash + the
  entry's canonical content), verified by ``verify_chain``;
- posted rows never change (triggers), corrections are reversals that point
  at the original; a reversal cannot itself be reversed.

Postings are serialised by the ledger state row (``lock_ledger``): every
finance write takes it first, so balances read after it are the balances the
posting will change, on PostgreSQL as on SQLite.
"""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Iterable, Iterator

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session

from core.db import utcnow
from core.i18n import _l
from core.sequences import next_number
from core.services import ServiceError

from ..models import Account, Balance, Entry, LedgerState, Line
from . import chart, limits
from .money import ZERO, money_str, mround, msum, to_money
from core import clock

GENESIS = "0" * 64


class LockedPeriod(ServiceError):
    """The date is on or before the lock date."""


@dataclass
class LineSpec:
    """One line to post: an account code and exactly one of debit / credit."""

    account: str
    debit: Decimal | int | str = ZERO
    credit: Decimal | int | str = ZERO
    customer_id: int | None = None
    memo: str = ""
    unit_id: int | None = None
    salesperson_id: int | None = None


@dataclass
class ChainReport:
    ok: bool
    checked: int
    #: Number of the first entry where the chain breaks (None when intact
    #: or when the break is after the last entry).
    first_broken: str | None = None
    reason: str = ""
    problems: list[str] = field(default_factory=list)


# -- transactions and locking ---------------------------------------------
@contextmanager
def atomic(session: Session) -> Iterator[None]:
    """One savepoint around a whole finance action (however many entries it
    posts): a refusal anywhere leaves nothing behind, and the caller's own
    transaction carries on."""
    if session.info.get("_finance_atomic"):
        yield
        return
    session.info["_finance_atomic"] = True
    try:
        with session.begin_nested():
            yield
    finally:
        session.info.pop("_finance_atomic", None)


@dataclass
class State:
    lock_date: date | None
    chain_seq: int
    last_hash: str


def _state_update(session: Session, **values) -> State | None:
    row = session.execute(
        update(LedgerState).where(LedgerState.id == 1).values(**values)
        .returning(LedgerState.lock_date, LedgerState.chain_seq, LedgerState.last_hash)
        .execution_options(synchronize_session=False)).first()
    return State(*row) if row is not None else None


def lock_ledger(session: Session) -> State:
    """Take the ledger lock for the rest of the transaction and return the
    state (lock date, chain head).  PostgreSQL: the UPDATE holds the row
    lock; SQLite: it holds the database write lock."""
    state = _state_update(session, chain_seq=LedgerState.chain_seq)
    if state is None:
        chart.ensure_setup(session)
        state = _state_update(session, chain_seq=LedgerState.chain_seq)
    return state


_UNKNOWN = object()


def check_open(session: Session, when: date, locked=_UNKNOWN) -> None:
    locked = limits.lock_date(session) if locked is _UNKNOWN else locked
    if locked is not None and when <= locked:
        raise LockedPeriod(_l("The books are locked up to %(date)s: nothing can be posted on "
                              "%(when)s.", date=locked.isoformat(), when=when.isoformat()))


def set_lock_date(session: Session, new: date, user_id: int | None = None) -> date:
    """Close every period up to and including ``new``.  Only forward."""
    state = lock_ledger(session)
    if state.lock_date is not None and new <= state.lock_date:
        raise ServiceError(_l("The lock date only moves forward: it is %(date)s now.",
                              date=state.lock_date.isoformat()))
    if new >= clock.today():
        raise ServiceError(_l("The lock date must be in the past."))
    _state_update(session, lock_date=new, lock_moved_by=user_id, lock_moved_at=utcnow())
    return new


# -- hashing ---------------------------------------------------------------
def canonical(entry: Entry, lines: Iterable[Line]) -> str:
    data = [
        entry.number, entry.journal_id, entry.year, entry.seq, entry.date.isoformat(),
        entry.memo, entry.customer_id, entry.unit_id, entry.salesperson_id, entry.source,
        entry.reversal_of_id, money_str(entry.total), entry.line_count, entry.chain_seq,
        entry.prev_hash, entry.posted_at.replace(microsecond=0).isoformat(), entry.posted_by,
        [[ln.position, ln.account_id, ln.customer_id, ln.date.isoformat(), money_str(ln.debit),
          money_str(ln.credit), ln.memo, ln.unit_id, ln.salesperson_id] for ln in lines],
    ]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def entry_hash(prev_hash: str, entry: Entry, lines: Iterable[Line]) -> str:
    return hashlib.sha256((prev_hash + canonical(entry, lines)).encode("utf-8")).hexdigest()


# -- posting ---------------------------------------------------------------
def _check_lines(session: Session, specs: list[LineSpec],
                 ceiling: Decimal | None) -> tuple[list[tuple], Decimal]:
    if len(specs) < 2:
        raise ServiceError(_l("An entry needs at least two lines."))
    accounts = chart.accounts_by_code(session, {s.account for s in specs})
    out, debit, credit = [], ZERO, ZERO
    for s in specs:
        acc = accounts.get(s.account)
        if acc is None:
            raise ServiceError(_l("No account with code %(code)s.", code=s.account))
        acc_id, active = acc
        if not active:
            raise ServiceError(_l("Account %(code)s is closed.", code=s.account))
        d = to_money(s.debit or ZERO, allow_zero=True)
        c = to_money(s.credit or ZERO, allow_zero=True)
        if (d == 0) == (c == 0):
            raise ServiceError(_l("Each line has either a debit or a credit."))
        if ceiling is not None:
            limits.check_amount(session, d or c, ceiling)
        out.append((s, acc_id, d, c))
        debit += d
        credit += c
    if debit != credit:
        raise ServiceError(_l("Debits (%(d)s) and credits (%(c)s) differ.",
                              d=money_str(debit), c=money_str(credit)))
    if ceiling is not None:
        limits.check_amount(session, debit, ceiling)
    return out, debit


DIMENSION_LABELS = {"customer": _l("a customer"), "unit": _l("an org unit"),
                    "salesperson": _l("a salesperson")}


def _check_dimensions(specs: list[LineSpec], unit_id: int | None,
                      salesperson_id: int | None) -> None:
    """Refuse a line on an account of ``chart.REQUIRED_DIMENSIONS`` without
    the dimension (unit and salesperson fall back to the entry's, as posted)."""
    fallback = {"unit": unit_id, "salesperson": salesperson_id}
    for s in specs:
        for dim in chart.REQUIRED_DIMENSIONS.get(s.account, ()):
            value = getattr(s, f"{dim}_id")
            if value is None and fallback.get(dim) is None:
                raise ServiceError(_l("Account %(code)s needs %(dimension)s on every line.",
                                      code=s.account, dimension=DIMENSION_LABELS[dim]))


def post_entry(session: Session, journal: str, when: date, lines: list[LineSpec], *,
               memo: str = "", customer_id: int | None = None, source: str | None = None,
               user_id: int | None = None, unit_id: int | None = None,
               salesperson_id: int | None = None, reversal_of_id: int | None = None) -> Entry:
    """Post one balanced entry in ``journal`` (a code such as "INV") and
    return it.  Runs in a savepoint: a refusal leaves nothing behind."""
    if not isinstance(when, date) or isinstance(when, datetime):
        raise TypeError("when must be a date")
    # A reversal undoes what is already in the books: a ceiling lowered
    # since then must not keep a mistake there.
    ceiling = None if reversal_of_id is not None else limits.max_amount(session)
    checked, total = _check_lines(session, lines, ceiling)
    _check_dimensions(lines, unit_id, salesperson_id)
    with atomic(session):
        jrn_id = chart.journal_id(session, journal)
        # Reserve the next chain position; this UPDATE is also the ledger lock.
        state = _state_update(session, chain_seq=LedgerState.chain_seq + 1)
        if state is None:
            chart.ensure_setup(session)
            state = _state_update(session, chain_seq=LedgerState.chain_seq + 1)
        check_open(session, when, state.lock_date)
        limits.check_date(session, when, state.lock_date)
        number = next_number(session, f"finance.{journal}", when)
        seq = int(number.rsplit("/", 1)[1])
        entry = Entry(
            journal_id=jrn_id, number=number, year=when.year, seq=seq, date=when,
            memo=(memo or "")[:255], customer_id=customer_id, unit_id=unit_id,
            salesperson_id=salesperson_id, source=source, reversal_of_id=reversal_of_id,
            total=total, line_count=len(checked), chain_seq=state.chain_seq,
            prev_hash=state.last_hash, posted_at=utcnow().replace(microsecond=0),
            posted_by=user_id, hash="",
        )
        objs = [
            Line(position=i, account_id=acc_id, customer_id=s.customer_id, date=when, debit=d,
                 credit=c, memo=(s.memo or "")[:255],
                 unit_id=s.unit_id if s.unit_id is not None else unit_id,
                 salesperson_id=s.salesperson_id if s.salesperson_id is not None else salesperson_id)
            for i, (s, acc_id, d, c) in enumerate(checked, start=1)
        ]
        entry.hash = entry_hash(entry.prev_hash, entry, objs)
        entry.lines = objs
        session.add(entry)
        # One flush (entry, then its lines) happens as this UPDATE autoflushes.
        _state_update(session, last_hash=entry.hash)
    return entry


def reverse_entry(session: Session, entry: Entry, when: date | None = None, *,
                  memo: str = "", user_id: int | None = None) -> Entry:
    """Post the mirror image of ``entry``, linked both ways."""
    if entry.reversal_of_id is not None:
        raise ServiceError(_l("%(number)s is itself a reversal; it cannot be reversed.",
                              number=entry.number))
    if session.scalar(select(Entry.id).where(Entry.reversal_of_id == entry.id)):
        raise ServiceError(_l("%(number)s has already been reversed.", number=entry.number))
    when = when or max(clock.today(), entry.date)
    if when < entry.date:
        raise ServiceError(_l("A reversal cannot be dated before the entry it reverses."))
    specs = [LineSpec(account=ln.account.code, debit=ln.credit, credit=ln.debit,
                      customer_id=ln.customer_id, memo=ln.memo, unit_id=ln.unit_id,
                      salesperson_id=ln.salesperson_id) for ln in entry.lines]
    text = memo or str(_l("Reversal of %(number)s", number=entry.number))
    return post_entry(session, entry.journal.code, when, specs, memo=text,
                      customer_id=entry.customer_id, source=entry.source, user_id=user_id,
                      unit_id=entry.unit_id, salesperson_id=entry.salesperson_id,
                      reversal_of_id=entry.id)


# -- verification ----------------------------------------------------------
def verify_chain(session: Session, batch: int = 500) -> ChainReport:
    """Recompute the chain from the first entry; report the first break:
    a changed field (hash differs), a deleted entry (sequence gap or previous
    hash differs), an inserted one (hash or head differs), unbalanced lines."""
    # Plain rows, not ORM objects: nothing cached can hide a change in the
    # database, and memory stays flat however long the ledger is.
    et, lt = Entry.__table__, Line.__table__
    expected_prev, expected_seq, checked = GENESIS, 1, 0
    while True:
        entries = list(session.execute(
            select(et).where(et.c.chain_seq >= expected_seq)
            .order_by(et.c.chain_seq).limit(batch)))
        if not entries:
            break
        ids = [e.id for e in entries]
        by_entry: dict[int, list] = {i: [] for i in ids}
        for ln in session.execute(select(lt).where(lt.c.entry_id.in_(ids))
                                  .order_by(lt.c.entry_id, lt.c.position)):
            by_entry[ln.entry_id].append(ln)
        for e in entries:
            lines = by_entry[e.id]
            if e.chain_seq != expected_seq:
                return ChainReport(False, checked, e.number, str(_l(
                    "entry %(n)s is at chain position %(got)s, %(want)s expected: an entry "
                    "before it was deleted", n=e.number, got=e.chain_seq, want=expected_seq)))
            if e.prev_hash != expected_prev:
                return ChainReport(False, checked, e.number, str(_l(
                    "entry %(n)s does not follow the previous entry's hash: the entry before "
                    "it was changed, deleted or inserted", n=e.number)))
            if entry_hash(e.prev_hash, e, lines) != e.hash:
                return ChainReport(False, checked, e.number, str(_l(
                    "entry %(n)s was changed after posting (its hash differs)", n=e.number)))
            debit = sum((ln.debit for ln in lines), ZERO)
            credit = sum((ln.credit for ln in lines), ZERO)
            if len(lines) != e.line_count or debit != credit or debit != e.total:
                return ChainReport(False, checked, e.number, str(_l(
                    "entry %(n)s has lines added, removed or unbalanced", n=e.number)))
            expected_prev, expected_seq = e.hash, expected_seq + 1
            checked += 1
    state = session.execute(select(LedgerState.__table__).where(LedgerState.id == 1)).first()
    head_seq = state.chain_seq if state else 0
    head_hash = state.last_hash if state else GENESIS
    if head_seq != expected_seq - 1 or head_hash != expected_prev:
        return ChainReport(False, checked, None, str(_l(
            "the chain head records %(head)s entries but %(found)s were found: the last "
            "entries were deleted or the head was changed", head=head_seq, found=checked)))
    orphans = session.scalar(select(Line.id).where(~Line.entry_id.in_(select(Entry.id))).limit(1))
    if orphans:
        return ChainReport(False, checked, None, str(_l("lines without an entry were found")))
    drift = balance_drift(session)
    if drift is not None:
        return ChainReport(False, checked, None, str(_l(
            "the running totals of account %(code)s for customer %(customer)s do not match "
            "its lines", code=drift[0], customer=drift[1])))
    return ChainReport(True, checked)


def missing_dimensions(session: Session, limit: int = 100) -> list[tuple[str, str, str]]:
    """Posted lines on accounts of ``chart.REQUIRED_DIMENSIONS`` without the
    dimension, as (entry number, account code, dimension), at most ``limit``:
    such a line is in the trial balance but in no customer's ledger or aging."""
    out: list[tuple[str, str, str]] = []
    for code, dims in sorted(chart.REQUIRED_DIMENSIONS.items()):
        for dim in dims:
            column = getattr(Line, f"{dim}_id")
            rows = session.execute(
                select(Entry.number).join(Line, Line.entry_id == Entry.id)
                .join(Account, Account.id == Line.account_id)
                .where(Account.code == code, column.is_(None))
                .group_by(Entry.number, Entry.chain_seq).order_by(Entry.chain_seq)
                .limit(limit - len(out))).scalars()
            out += [(number, code, dim) for number in rows]
            if len(out) >= limit:
                return out
    return out


def balance_drift(session: Session) -> tuple[str, int] | None:
    """The first (account code, customer id) whose ``finance_balance`` row
    differs from the sum of its lines, or has no lines; None when all agree."""
    lt, bt = Line.__table__, Balance.__table__
    sums = (select(lt.c.account_id, lt.c.customer_id, msum(lt.c.debit).label("debit"),
                   msum(lt.c.credit).label("credit"))
            .where(lt.c.customer_id.is_not(None))
            .group_by(lt.c.account_id, lt.c.customer_id).subquery())
    differs = (select(sums.c.account_id, sums.c.customer_id)
               .outerjoin(bt, and_(bt.c.account_id == sums.c.account_id,
                                   bt.c.customer_id == sums.c.customer_id))
               .where(or_(bt.c.account_id.is_(None),
                          mround(bt.c.debit) != mround(sums.c.debit),
                          mround(bt.c.credit) != mround(sums.c.credit))).limit(1))
    orphan = (select(bt.c.account_id, bt.c.customer_id)
              .where(~exists().where(lt.c.account_id == bt.c.account_id,
                                     lt.c.customer_id == bt.c.customer_id)).limit(1))
    for stmt in (differs, orphan):
        found = session.execute(stmt).first()
        if found is not None:
            code = session.scalar(select(Account.code).where(Account.id == found[0]))
            return code or str(found[0]), found[1]
    return None


# -- balances --------------------------------------------------------------
def customer_balance(session: Session, customer_id: int, as_of: date | None = None) -> Decimal:
    """What the customer owes us (negative: what we owe them), from posted
    lines on 1122 应收账款 and 2203 预收账款."""
    acc_ids = select(Account.id).where(Account.code.in_(chart.CUSTOMER_ACCOUNTS))
    stmt = select(msum(Line.debit - Line.credit)).where(
        Line.customer_id == customer_id, Line.account_id.in_(acc_ids))
    if as_of is not None:
        stmt = stmt.where(Line.date <= as_of)
    return session.scalar(stmt)


def account_balance(session: Session, code: str, customer_id: int | None = None,
                    as_of: date | None = None) -> Decimal:
    """Debit-positive balance of one account (optionally one customer's part)."""
    acc_id = select(Account.id).where(Account.code == code).scalar_subquery()
    stmt = select(msum(Line.debit - Line.credit)).where(Line.account_id == acc_id)
    if customer_id is not None:
        stmt = stmt.where(Line.customer_id == customer_id)
    if as_of is not None:
        stmt = stmt.where(Line.date <= as_of)
    return session.scalar(stmt)


def trial_balance(session: Session, as_of: date | None = None, unit_ids=None) -> list[dict]:
    """Per account: debit, credit and balance, one GROUP BY; ``unit_ids``
    (a SELECT of org unit ids) limits it to the lines counted for them."""
    stmt = (select(Account.code, Account.name, Account.name_en, Account.kind,
                   msum(Line.debit).label("debit"), msum(Line.credit).label("credit"))
            .join(Line, Line.account_id == Account.id)
            .group_by(Account.id, Account.code, Account.name, Account.name_en, Account.kind)
            .order_by(Account.code))
    if as_of is not None:
        stmt = stmt.where(Line.date <= as_of)
    if unit_ids is not None:
        stmt = stmt.where(Line.unit_id.in_(unit_ids))
    return [{"code": r.code, "name": r.name, "name_en": r.name_en, "kind": r.kind,
             "debit": r.debit, "credit": r.credit, "balance": r.debit - r.credit}
            for r in session.execute(stmt)]
