"""Sample units (样机): register, recorded transfers only, the monthly
on-site count with its discrepancy list, sale settled through finance
(seed 000 §四.E.6, §四.5.B); returned and repair units with aging."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from core import audit
from core.access import has_permission, scoped_select
from core.db import utcnow
from core.i18n import _l
from core.sequences import next_number
from core.services import ServiceError, lock, lock_rows
from core.fields import required_text, to_date, to_decimal
from plugins.customers.api import Customer

from ..models import (
    DealerProduct,
    ReturnedUnit,
    SampleCount,
    SampleCountLine,
    SampleTransfer,
    SampleUnit,
    DealerTerminal,
)
from ..models.samples import (
    COUNT_RESULTS,
    DAMAGED,
    FOUND,
    ON_DISPLAY,
    ON_REGISTER,
    RETURN_KINDS,
    RU_CLOSED,
    RU_STATES,
    SOLD,
    WITHDRAWN,
)
from ..declarations import PRICE_APPROVE
from . import finance_link
from .common import cents, period_of, setting
from .network import require_active
from core import clock

TRANSFER_SEQUENCE = "dealers.sample_transfer"


def _not_future(day: date) -> None:
    if day > clock.today():
        raise ServiceError(_l("A date in the future is not accepted."))


def register_sample(session: Session, terminal: DealerTerminal, product: DealerProduct, *, serial_no: str,
                    placed_on, note: str | None = None) -> SampleUnit:
    serial = required_text(serial_no, _l("Serial number"), 60)
    if session.scalar(select(SampleUnit.id).where(SampleUnit.serial_no == serial)):
        raise ServiceError(_l("Serial number %(sn)s is already on the register.", sn=serial))
    if not terminal.active:
        raise ServiceError(_l("%(name)s is closed.", name=terminal.name))
    day = to_date(placed_on, _l("Placed on"))
    _not_future(day)
    unit = SampleUnit(serial_no=serial, product_id=product.id, customer_id=terminal.customer_id,
                      terminal_id=terminal.id, placed_on=day, state=ON_DISPLAY, note=note)
    session.add(unit)
    session.flush()
    return unit


def transfer_sample(session: Session, sample: SampleUnit, to_terminal: DealerTerminal, user, *,
                    reason: str, transferred_on=None) -> SampleTransfer:
    """The only way a sample changes store: a numbered transfer record."""
    sample = lock(session, sample)
    if sample.state not in (ON_DISPLAY, DAMAGED):
        raise ServiceError(_l("Only a unit on display can be transferred."))
    reason = required_text(reason, _l("Reason"), 2000)
    if to_terminal.id == sample.terminal_id:
        raise ServiceError(_l("The unit is already at %(name)s.", name=to_terminal.name))
    if not to_terminal.active:
        raise ServiceError(_l("%(name)s is closed.", name=to_terminal.name))
    day = to_date(transferred_on, _l("Transferred on"), allow_blank=True) or clock.today()
    _not_future(day)
    transfer = SampleTransfer(number=next_number(session, TRANSFER_SEQUENCE, day),
                              sample_id=sample.id, from_terminal_id=sample.terminal_id,
                              to_terminal_id=to_terminal.id, from_customer_id=sample.customer_id,
                              to_customer_id=to_terminal.customer_id, transferred_on=day,
                              reason=reason, recorded_by=user.id if user else None)
    session.add(transfer)
    sample._transfer = transfer
    try:
        sample.terminal_id = to_terminal.id
        sample.customer_id = to_terminal.customer_id
    finally:
        sample._transfer = None
    audit.set_reason(session, reason)
    session.flush()
    return transfer


def record_count(session: Session, terminal: DealerTerminal, user, *, count_date,
                 results: dict[int, tuple[str, str]], note: str | None = None) -> SampleCount:
    """A complete count: every unit registered at the terminal gets found,
    missing or damaged; a unit of another store means an unrecorded move."""
    day = to_date(count_date, _l("Count date"))
    _not_future(day)
    # Locked: a unit sold, withdrawn or moved meanwhile is not counted here.
    registered = {u.id: u for u in lock_rows(session, select(SampleUnit).where(
        SampleUnit.terminal_id == terminal.id, SampleUnit.state.in_(ON_REGISTER)))}
    if not registered:
        raise ServiceError(_l("No sample unit is registered at %(name)s.", name=terminal.name))
    foreign = [sid for sid in results if int(sid) not in registered]
    if foreign:
        raise ServiceError(_l("A unit registered at another store was counted here; record "
                              "its transfer first."))
    missing_answer = [u.serial_no for sid, u in registered.items() if sid not in
                      {int(k) for k in results}]
    if missing_answer:
        raise ServiceError(_l("Give a result for every unit: %(serials)s.",
                              serials=", ".join(missing_answer)))
    count = SampleCount(terminal_id=terminal.id, customer_id=terminal.customer_id, count_date=day,
                        period=period_of(day), counted_by=user.id if user else None, note=note)
    session.add(count)
    session.flush()
    for sid, (result, line_note) in results.items():
        if result not in COUNT_RESULTS:
            raise ServiceError(_l("Unknown count result."))
        unit = registered[int(sid)]
        session.add(SampleCountLine(count_id=count.id, sample_id=unit.id, result=result,
                                    note=(line_note or None)))
        unit.state = ON_DISPLAY if result == FOUND else result
    session.flush()
    return count


def discrepancies(session: Session, user) -> Select:
    """Missing or damaged units from counts, until resolved."""
    return (scoped_select(session, SampleCountLine, user)
            .join(SampleCount, SampleCount.id == SampleCountLine.count_id)
            .where(SampleCountLine.result != FOUND, SampleCountLine.resolved_on.is_(None))
            .order_by(SampleCount.count_date, SampleCountLine.id))


def resolve_discrepancy(session: Session, line: SampleCountLine, user, *, resolution: str,
                        resolved_on=None) -> None:
    line = lock(session, line)
    if line.result == FOUND or line.resolved_on is not None:
        raise ServiceError(_l("Nothing to resolve on this line."))
    line.resolution = required_text(resolution, _l("Resolution"), 2000)
    line.resolved_on = to_date(resolved_on, _l("Resolved on"), allow_blank=True) or clock.today()
    line.resolved_by = user.id if user else None
    session.flush()


def uncounted_terminals(session: Session, user, period: str) -> Select:
    """Terminals with units on the register and no count in ``period``:
    the seed requires a count every month."""
    has_units = exists().where(SampleUnit.terminal_id == DealerTerminal.id,
                               SampleUnit.state.in_(ON_REGISTER))
    counted = exists().where(SampleCount.terminal_id == DealerTerminal.id, SampleCount.period == period)
    return (scoped_select(session, DealerTerminal, user)
            .where(DealerTerminal.active.is_(True), has_units, ~counted)
            .order_by(DealerTerminal.customer_id, DealerTerminal.name))


def sell_sample(session: Session, sample: SampleUnit, user, *, price, sold_on=None) -> SampleUnit:
    """The dealer buys the display unit: finance invoices it and the unit
    leaves the register, in the caller's one transaction.  Below the floor
    price the sale waits for the same approval as an order's lines
    (``approve_sample_sale``) and nothing is invoiced yet (issue 21, item 18)."""
    sample = lock(session, sample)
    if sample.state not in ON_REGISTER:
        raise ServiceError(_l("This unit is no longer on the register."))
    if sample.sale_pending:
        raise ServiceError(_l("A sale of this unit below the floor price is already waiting for approval."))
    amount = cents(to_decimal(price, _l("Price")))
    if amount <= 0:
        raise ServiceError(_l("The price must be above zero."))
    customer = session.get(Customer, sample.customer_id)
    require_active(customer)
    day = to_date(sold_on, _l("Sold on"), allow_blank=True) or clock.today()
    _not_future(day)
    if amount < sample.product.floor_price:
        sample.pending_price, sample.pending_on = amount, day
        sample.pending_by = user.id if user else None
        session.flush()
        return sample
    return _complete_sale(session, sample, customer, amount, day, user)


def _require_pending(session: Session, sample: SampleUnit, user) -> None:
    if sample.state not in ON_REGISTER:
        raise ServiceError(_l("This unit is no longer on the register."))
    if not sample.sale_pending:
        raise ServiceError(_l("No sale of this unit is waiting for approval."))
    if not has_permission(session, user, PRICE_APPROVE):
        raise ServiceError(_l("Only a manager may approve prices below the floor."))


def approve_sample_sale(session: Session, sample: SampleUnit, user, *, reason: str) -> SampleUnit:
    """A manager lets the below-floor sale through with a reason (audit
    trail, as for orders); the unit is invoiced at the price asked."""
    sample = lock(session, sample)
    _require_pending(session, sample, user)
    reason = required_text(reason, _l("Reason"), 2000)
    audit.set_reason(session, reason)
    customer = session.get(Customer, sample.customer_id)
    require_active(customer)
    amount, day = sample.pending_price, sample.pending_on
    sample.pending_price = sample.pending_on = sample.pending_by = None
    sample.floor_approved_by = user.id
    sample.floor_approved_at = utcnow()
    sample.floor_approval_reason = reason
    return _complete_sale(session, sample, customer, amount, day, user)


def refuse_sample_sale(session: Session, sample: SampleUnit, user, *, reason: str) -> SampleUnit:
    """The manager says no: the unit stays on display, nothing invoiced."""
    sample = lock(session, sample)
    _require_pending(session, sample, user)
    reason = required_text(reason, _l("Reason"), 2000)
    audit.set_reason(session, reason)
    sample.pending_price = sample.pending_on = sample.pending_by = None
    session.flush()
    return sample


def _complete_sale(session: Session, sample: SampleUnit, customer: Customer, amount, day: date,
                   user) -> SampleUnit:
    sample.state, sample.sold_on, sample.sale_price = SOLD, day, amount
    session.flush()
    ref, number = finance_link.invoice_sample(session, sample, customer, amount, user, day)
    sample.invoice_ref, sample.invoice_number = ref, number
    for line in session.execute(select(SampleCountLine).where(
            SampleCountLine.sample_id == sample.id, SampleCountLine.result != FOUND,
            SampleCountLine.resolved_on.is_(None))).scalars():
        line.resolved_on, line.resolution = day, str(_l("Sold to the dealer (%(no)s).", no=number))
        line.resolved_by = user.id if user else None
    session.flush()
    return sample


def withdraw_sample(session: Session, sample: SampleUnit, *, reason: str) -> None:
    sample = lock(session, sample)
    if sample.state not in ON_REGISTER:
        raise ServiceError(_l("This unit is no longer on the register."))
    reason = required_text(reason, _l("Reason"), 2000)
    audit.set_reason(session, reason)
    sample.state = WITHDRAWN
    sample.pending_price = sample.pending_on = sample.pending_by = None
    sample.note = ((sample.note or "") + "\n" + reason).strip()
    session.flush()


# -- returned and repair units ----------------------------------------------------------
def register_returned(session: Session, customer: Customer, product: DealerProduct, *, kind: str,
                      received_on, serial_no: str = "", fault: str = "",
                      note: str | None = None) -> ReturnedUnit:
    if kind not in RETURN_KINDS:
        raise ServiceError(_l("Unknown kind."))
    day = to_date(received_on, _l("Received on"))
    _not_future(day)
    unit = ReturnedUnit(customer_id=customer.id, product_id=product.id, kind=kind,
                        received_on=day, serial_no=(serial_no or "").strip()[:60],
                        fault=(fault or "").strip()[:255], note=note)
    session.add(unit)
    session.flush()
    return unit


def advance_returned(session: Session, unit: ReturnedUnit, state: str, *, on=None,
                     note: str | None = None) -> None:
    if state not in RU_STATES:
        raise ServiceError(_l("Unknown state."))
    unit = lock(session, unit)
    if unit.state in RU_CLOSED:
        raise ServiceError(_l("This unit is already closed."))
    day = to_date(on, _l("Date"), allow_blank=True) or clock.today()
    if day < unit.received_on:
        raise ServiceError(_l("A date before the unit was received is not accepted."))
    unit.state = state
    unit.closed_on = day if state in RU_CLOSED else None
    if note:
        unit.note = ((unit.note or "") + "\n" + note).strip()
    session.flush()


def returned_aging(session: Session, user, today: date | None = None) -> list[dict]:
    """Open units, oldest first, with their age and whether they waited too long."""
    today = today or clock.today()
    limit = int(setting(session, "returned_unit_max_days"))
    rows = session.execute(scoped_select(session, ReturnedUnit, user)
                           .where(ReturnedUnit.state.not_in(RU_CLOSED))
                           .order_by(ReturnedUnit.received_on, ReturnedUnit.id)).scalars()
    out = []
    for u in rows:
        age = (today - u.received_on).days
        out.append({"unit": u, "age": age, "overdue": age > limit})
    return out


def aging_cutoff(session: Session, today: date) -> date:
    return today - timedelta(days=int(setting(session, "returned_unit_max_days")))


