"""Export of customers to Excel (.xlsx) or CSV: the rows a user may see, in
the column layout the import reads back (``exchange.COLUMNS``)."""
from __future__ import annotations

from datetime import date
from typing import BinaryIO, Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import privacy, spreadsheets
from core.access import scoped_select
from core.models import OrgUnit, User

from .exchange import COLUMNS
from ..models import Contact, Customer
from .master import kinds, status_labels


#: The personal-data columns of an export (issue 18), for its audit row.
PII_COLUMNS = ("address", "phone", "contact_phone")


def export_rows(session: Session, user: User | None, stmt=None,
                shown: privacy.Disclosure | None = None) -> Iterator[list]:
    """Header then one list per customer the user may see (all without a
    user).  Personal data is masked unless ``shown`` says clear (see
    :func:`disclosure`)."""
    shown = shown or privacy.MASKED
    if stmt is None:
        stmt = (scoped_select(session, Customer, user) if user is not None
                else select(Customer))
    stmt = stmt.order_by(None).order_by(Customer.code)
    labels = {c: str(lbl) for c, lbl in kinds(session)}
    statuses = {c: str(lbl) for c, lbl in status_labels().items()}
    usernames = dict(session.execute(select(User.id, User.username)).all())
    units = dict(session.execute(select(OrgUnit.id, OrgUnit.code)).all())
    first_contact = {}
    for cid, name, role, phone, wechat in session.execute(
            select(Contact.customer_id, Contact.name, Contact.role, Contact.phone, Contact.wechat)
            .where(Contact.customer_id.in_(stmt.with_only_columns(Customer.id)))
            .order_by(Contact.customer_id.desc(), Contact.id.desc())):
        first_contact[cid] = (name, role, phone, wechat)
    yield [zh for _k, zh, _en in COLUMNS]
    for c in session.execute(stmt.execution_options(yield_per=2000)).scalars():
        name, role, phone, wechat = first_contact.get(c.id, ("", "", "", ""))
        contact = (name, role, shown(phone, "phone"), wechat)
        yield [c.code, c.name, labels.get(c.kind, c.kind), statuses.get(c.status, c.status),
               c.grade or "", c.province, c.city, c.county, c.town,
               shown(c.address, "address"), shown(c.phone, "phone"),
               c.legal_person, c.licence_no or "", c.tax_no or "", c.tags,
               usernames.get(c.owner_id, ""), units.get(c.org_unit_id, ""),
               c.last_visit_on.isoformat() if isinstance(c.last_visit_on, date) else "",
               *contact]


def disclosure(session: Session, user: User | None, scope: str = "*") -> privacy.Disclosure:
    """Clear values for a user holding ``core.reveal_pii`` (the export is
    audited as a reveal; the caller commits), masked for anyone else."""
    return privacy.disclosure(session, user, table=Customer.__tablename__, fields=PII_COLUMNS,
                              purpose="export", record_id=scope)


def write(rows: Iterable[list], out: BinaryIO, fmt: str) -> None:
    """Rows as CSV or .xlsx; text that a spreadsheet would run as a formula
    is neutralised (``core.spreadsheets``)."""
    if fmt == "csv":
        spreadsheets.write_csv(rows, out)
        return
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("客户")
    for r in rows:
        spreadsheets.append(ws, r)
    wb.save(out)
