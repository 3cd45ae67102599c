"""Opening balances for go-live (期初余额), from an Excel workbook.

One row per open item of the old system: customer code, document number,
date, due date, amount (positive: the customer owes us — an opening
invoice, Dr 1122 / Cr 4104; negative: the customer had prepaid — an opening
credit, Dr 4104 / Cr 2203), memo.  The file imports whole or not at all:
every row is checked first and the report names each bad row and why.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import BinaryIO

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import spreadsheets
from core.i18n import _, _l
from core.services import ServiceError
from plugins.customers import api as customers
from plugins.customers.api import Customer

from ..models import Invoice, Payment
from ..models.receivables import OPENING, OPENING_CREDIT
from .receivables import post_invoice, record_payment
from . import limits
from .ledger import atomic
from .money import money_str, to_money

COLUMNS = (
    ("customer", ("客户编码", "customer code")),
    ("reference", ("单据号", "document number")),
    ("date", ("日期", "date")),
    ("due_date", ("到期日", "due date")),
    ("amount", ("金额", "amount")),
    ("memo", ("摘要", "memo")),
)
#: Most data rows in one file (``core.spreadsheets`` holds the other limits).
MAX_ROWS = 20000


class ImportFailed(ServiceError):
    """Nothing was imported; ``errors`` is [(row number, message)]."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(_l("Nothing was imported: %(n)s row(s) have errors.", n=len(errors)))
        self.errors = errors


@dataclass
class Row:
    line: int
    customer_id: int
    reference: str
    date: date
    due_date: date
    amount: Decimal
    memo: str


def template() -> bytes:
    """An empty workbook with the expected headings."""
    wb = Workbook()
    ws = wb.active
    ws.title = "期初余额"
    ws.append([names[0] for _k, names in COLUMNS])
    ws.append(["C2026-00001", "XS-2025-0815", "2025-12-31", "2026-01-30", 12345.67, "旧系统销售单"])
    ws.append(["C2026-00002", "YS-2025-0102", "2025-12-31", None, -5000, "预收货款"])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ValueError from None


def _amount(value) -> Decimal:
    if isinstance(value, float):
        value = repr(value)  # the shortest text that is this float: 1234.56, not 1234.5599…
    try:
        # The one amount parser: no exponent, NaN, -0 or third decimal (issue 20).
        return to_money(value, allow_zero=True, allow_negative=True)
    except ServiceError:
        raise InvalidOperation from None


def file_limits() -> spreadsheets.Limits:
    """``core.spreadsheets`` limits with this import's row limit."""
    return spreadsheets.Limits().with_rows(MAX_ROWS)


def read(stream: BinaryIO) -> list[tuple[int, dict]]:
    """The rows of the workbook, checked (content, size, unpacked size)
    before it is parsed and streamed (``core.spreadsheets.Rows``)."""
    source = spreadsheets.Rows(stream, "import.xlsx", file_limits())
    if source.kind != "xlsx":
        raise ServiceError(_l("The file is not an Excel workbook (.xlsx)."))
    rows = iter(source)
    header = next(rows, None)
    if header is None:
        raise ServiceError(_l("The workbook is empty."))
    names = [str(h or "").strip().lower() for h in header]
    index = {}
    for key, aliases in COLUMNS:
        for a in aliases:
            if a.lower() in names:
                index[key] = names.index(a.lower())
    missing = [aliases[0] for key, aliases in COLUMNS if key not in index and key != "memo"
               and key != "due_date"]
    if missing:
        raise ServiceError(_l("Missing column(s): %(names)s", names=", ".join(missing)))
    out = []
    for n, values in enumerate(rows, start=2):
        if values is None or all(v is None or str(v).strip() == "" for v in values):
            continue
        out.append((n, {k: _text(values[i]) if i < len(values) else None
                        for k, i in index.items()}))
        if len(out) > MAX_ROWS:
            raise ServiceError(_l("At most %(n)s rows per file.", n=MAX_ROWS))
    return out


def _text(value):
    """A cell as read; text exported by us loses its formula-guarding quote."""
    return spreadsheets.unquote(value) if isinstance(value, str) else value


def validate(session: Session, raw: list[tuple[int, dict]], user=None) -> tuple[list[Row], list]:
    errors: list[tuple[int, str]] = []
    good: list[Row] = []
    locked = limits.lock_date(session)
    first, last = limits.date_window(session, locked)
    ceiling = limits.max_amount(session)
    seen: set[tuple[int, str]] = set()
    codes = {str(v.get("customer") or "").strip() for _n, v in raw}
    by_code = {c.code: c for c in session.execute(
        select(Customer).where(Customer.code.in_(codes))).scalars()}
    for n, v in raw:
        problems = []
        code = str(v.get("customer") or "").strip()
        cust = by_code.get(code)
        if cust is None or (user is not None and customers.get_customer(
                session, cust.id, user) is None):
            problems.append(_("unknown customer code %(code)s", code=code or "—"))
        ref = str(v.get("reference") or "").strip()
        if not ref:
            problems.append(_("the document number is missing"))
        try:
            d = _date(v.get("date"))
            if d is None:
                problems.append(_("the date is missing"))
            elif locked is not None and d <= locked:
                problems.append(_("the date %(d)s is in a locked period", d=d.isoformat()))
            elif not first <= d <= last:
                problems.append(_("the date %(d)s is outside the dates the books accept "
                                  "(%(first)s to %(last)s)", d=d.isoformat(),
                                  first=first.isoformat(), last=last.isoformat()))
        except ValueError:
            d = None
            problems.append(_("the date is not a date (YYYY-MM-DD)"))
        try:
            due = _date(v.get("due_date"))
        except ValueError:
            due = None
            problems.append(_("the due date is not a date (YYYY-MM-DD)"))
        try:
            amount = _amount(v.get("amount"))
            if amount == 0:
                problems.append(_("the amount is zero"))
            elif abs(amount) > ceiling:
                problems.append(_("the amount %(amount)s is above the limit of %(limit)s",
                                  amount=money_str(amount), limit=money_str(ceiling)))
        except (InvalidOperation, ValueError):
            amount = None
            problems.append(_("the amount is not a number with at most two decimals"))
        if d and due and due < d:
            problems.append(_("the due date is before the date"))
        if cust is not None and ref:
            if (cust.id, ref) in seen:
                problems.append(_("document %(ref)s appears twice", ref=ref))
            seen.add((cust.id, ref))
            if _already(session, cust.id, ref):
                problems.append(_("document %(ref)s was already imported", ref=ref))
        if problems:
            errors.append((n, "; ".join(problems)))
        else:
            good.append(Row(n, cust.id, ref, d, due or d, amount, str(v.get("memo") or "")[:200]))
    return good, errors


def _already(session: Session, customer_id: int, ref: str) -> bool:
    return bool(session.scalar(select(Invoice.id).where(
        Invoice.customer_id == customer_id, Invoice.kind == OPENING, Invoice.external_ref == ref))
        or session.scalar(select(Payment.id).where(
            Payment.customer_id == customer_id, Payment.method == OPENING_CREDIT,
            Payment.reference == ref)))


def import_opening(session: Session, stream: BinaryIO, user=None) -> dict:
    """Check every row, then post them all in one transaction; raise
    ``ImportFailed`` (nothing posted) when any row is wrong."""
    return post_rows(session, read(stream), user)


def post_rows(session: Session, raw: list[tuple[int, dict]], user=None) -> dict:
    """``import_opening`` for rows already read."""
    if not raw:
        raise ServiceError(_l("The workbook has no rows to import."))
    rows, errors = validate(session, raw, user)
    if errors:
        raise ImportFailed(errors)
    invoices = credits = 0
    total = Decimal("0.00")
    with atomic(session):
        for r in rows:
            memo = r.memo or str(_l("Opening balance %(ref)s", ref=r.reference))
            if r.amount > 0:
                post_invoice(session, r.customer_id,
                             [{"description": memo, "unit_price": r.amount}], when=r.date,
                             due_date=r.due_date, user=user, kind=OPENING,
                             external_ref=r.reference, apply_prepayment=False,
                             description=memo)
                invoices += 1
            else:
                record_payment(session, r.customer_id, -r.amount, when=r.date,
                               method=OPENING_CREDIT, reference=r.reference, memo=memo,
                               user=user)
                credits += 1
            total += r.amount
    return {"rows": len(rows), "invoices": invoices, "credits": credits, "total": total}


# -- big files: a background job -------------------------------------------------
OPENING_JOB = "finance.opening_import"


def start_opening_import(session: Session, stream: BinaryIO, user):
    """The import of a checked upload (``stream``, open on a spooled copy):
    None when it is small enough to post at once (``import_opening``), else
    a queued job holding a copy of the file — the caller commits, then
    ``core.jobs.dispatch``.  Files that break the limits are refused here."""
    from core import jobs

    raw = read(stream)
    stream.seek(0)
    if len(raw) <= spreadsheets.IMPORT_BACKGROUND_ROWS:
        return None
    job = jobs.create(session, OPENING_JOB, user, {"file": "upload.xlsx"},
                      label=str(_l("Opening balances × %(n)s", n=len(raw))))
    folder = jobs.job_dir(session.ext.config, job.id)
    folder.mkdir(parents=True, exist_ok=True)
    spreadsheets.spool(stream, folder / "upload.xlsx", file_limits())
    return job


def opening_import_job(ctx, file: str) -> None:
    """Job handler of ``finance.opening_import``: the rows are read and
    checked in a reading transaction (so the page shows the row report
    early), then checked again and posted in one writing transaction — all
    or nothing.  The uploaded copy is removed at the end."""
    from core.db import reading

    path = ctx.path(file)
    try:
        with path.open("rb") as fh:
            raw = read(fh)
        ctx.progress(10, _("%(n)s rows read", n=len(raw)))
        with reading(), ctx.session() as s:
            _rows, errors = validate(s, raw, ctx.owner(s))
        if errors:
            for n, msg in errors[:1000]:
                ctx.report(_("Row %(n)s: %(problem)s", n=n, problem=msg))
            raise ImportFailed(errors)
        ctx.progress(40, _("%(n)s rows checked; posting", n=len(raw)))
        with ctx.session() as s:
            result = post_rows(s, raw, ctx.owner(s))
    finally:
        path.unlink(missing_ok=True)
    ctx.progress(100, _("Imported %(n)s opening balance(s).", n=result["rows"]))
