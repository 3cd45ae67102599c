"""Import of customers from Excel (.xlsx) and CSV (export: export.py).

An import is all or nothing: every row is checked first (required fields,
kind, unified social credit code, owner within the importer's reach,
duplicate legal entities in the file and in the database) and a single bad
row means nothing is imported and the report names each bad row and why.
Good files go in with bulk inserts (one reserved block of customer codes,
one multi-row INSERT per table, audit rows included) so 100,000 rows take
seconds, not hours.  The same functions serve the web page and the CLI.
"""
from __future__ import annotations

import gc
import json
from json.encoder import encode_basestring as _json_str  # C; keeps non-ASCII
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import Any, BinaryIO, Callable, Iterable, Iterator, NamedTuple

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from core import settings, spreadsheets
from core.access import has_permission, subtree_ids
from core.db import utcnow
from core.i18n import _l
from core.models import AuditLog, OrgUnit, User
from core.sequences import next_numbers
from core.services import ServiceError
from core.spreadsheets import unquote

from . import divisions, searchindex, searchwords, uscc
from ..models import ACTIVE, ELIMINATED, PROSPECT, SUSPENDED, Contact, Customer
from .master import EDITABLE, LENGTHS, SEQUENCE, kinds, status_labels
from .master import region_problem as master_region_problem

#: key, Chinese header, English header.  Import accepts any of the three.
COLUMNS = (
    ("code", "客户编号", "Code"),
    ("name", "客户名称", "Name"),
    ("kind", "客户类型", "Kind"),
    ("status", "状态", "Status"),
    ("grade", "等级", "Grade"),
    ("province", "省", "Province"),
    ("city", "市", "City"),
    ("county", "县/区", "County"),
    ("town", "乡镇/街道", "Town"),
    ("address", "地址", "Address"),
    ("phone", "电话", "Phone"),
    ("legal_person", "法定代表人", "Legal person"),
    ("licence_no", "统一社会信用代码", "Licence number"),
    ("tax_no", "税号", "Tax number"),
    ("tags", "标签", "Tags"),
    ("owner", "业务员", "Owner"),
    ("org_unit", "组织单元", "Org unit"),
    ("last_visit_on", "最近拜访", "Last visit"),
    ("contact_name", "联系人", "Contact"),
    ("contact_role", "联系人职务", "Contact role"),
    ("contact_phone", "联系人电话", "Contact phone"),
    ("contact_wechat", "联系人微信", "Contact WeChat"),
)
#: Assigned or computed by the system: read on export, ignored on import.
EXPORT_ONLY = ("code", "grade", "last_visit_on")
CUSTOMER_FIELDS = ("name", "kind", "province", "city", "county", "town", "address", "phone",
                   "legal_person", "licence_no", "tax_no", "tags")
assert set(CUSTOMER_FIELDS) <= set(EDITABLE)
IMPORT_STATUSES = (PROSPECT, ACTIVE, SUSPENDED, ELIMINATED)
CHUNK = 2000
#: Rows per multi-row INSERT statement on SQLite.
BLOCK = 1500


@dataclass
class ImportResult:
    rows: int = 0
    imported: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


# -- reading ------------------------------------------------------------------
def _header_map(header: list[Any]) -> dict[int, str]:
    names = {}
    for key, zh, en in COLUMNS:
        for alias in (key, zh, en):
            names[alias.strip().lower()] = key
    out = {}
    for i, h in enumerate(header):
        key = names.get(str(h or "").strip().lower())
        if key:
            out[i] = key
    return out


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)  # Excel turns long digit strings typed as numbers into floats
    return unquote(str(v)).strip()


def _text_cell(v: str) -> str:
    return unquote(v).strip()  # CSV cells are text already


def limits(session: Session) -> spreadsheets.Limits:
    """The import limits (``core.spreadsheets``), with this plugin's row
    limit (setting ``customers.import_max_rows``)."""
    return spreadsheets.Limits().with_rows(int(settings.get(session, "customers.import_max_rows")))


def read_rows(stream: BinaryIO, filename: str,
              limit: spreadsheets.Limits | None = None,
              source: spreadsheets.Rows | None = None) -> Iterator[tuple[int, dict]]:
    """Yield (row number as the user sees it, {key: text}) — header is row 1.
    The file is checked (content, size, unpacked size) before it is parsed
    and streamed row by row (``core.spreadsheets.Rows``)."""
    if source is None:
        source = spreadsheets.Rows(stream, filename, limit or spreadsheets.Limits())
    cell = _cell if source.kind == "xlsx" else _text_cell
    rows = iter(source)
    try:
        header = next(rows)
    except StopIteration:
        raise ServiceError(_l("The file is empty.")) from None
    cols = _header_map(list(header))
    if "name" not in cols.values() or "kind" not in cols.values():
        raise ServiceError(_l("The first row must name the columns; at least 客户名称 (name) "
                              "and 客户类型 (kind)."))
    pairs = list(cols.items())
    width = max(cols) + 1
    for n, raw in enumerate(rows, start=2):
        if len(raw) >= width:
            values = {key: cell(raw[i]) for i, key in pairs}
        else:
            values = {key: cell(raw[i]) if i < len(raw) else "" for i, key in pairs}
        if any(values.values()):
            yield n, values


def count_rows(stream: BinaryIO, filename: str, limit: spreadsheets.Limits,
               up_to: int) -> int:
    """How many data rows the file has, counting no further than ``up_to``
    (the web page decides with it whether the import runs in the background)."""
    n = 0
    rows = read_rows(stream, filename, limit)
    try:
        for _row in rows:
            n += 1
            if n >= up_to:
                break
    finally:
        rows.close()
        stream.seek(0)
    return n


# -- checking -----------------------------------------------------------------
def _aliases(pairs) -> dict[str, str]:
    """code, Chinese label and English label (lower-cased) → code, so a file
    exported in either language imports again."""
    out: dict[str, str] = {}
    pairs = list(pairs)
    for code, label in pairs:
        out[code.lower()] = code
        out[str(label).lower()] = code
    try:
        from flask_babel import force_locale

        for loc in ("zh_CN", "en"):
            with force_locale(loc):
                for code, label in pairs:
                    out.setdefault(str(label).lower(), code)
    except RuntimeError:  # no application context: codes and current labels only
        pass
    return out


class _Who(NamedTuple):
    """A user as the row checks need them: plain values, read once per file
    (an ORM attribute read per row costs more than the check itself)."""
    id: int
    org_unit_id: int | None
    active: bool
    username: str

    @classmethod
    def of(cls, user: User | None) -> "_Who | None":
        if user is None:
            return None
        return cls(user.id, user.org_unit_id, user.active, user.username)


class _Context:
    """What row checks need, looked up once per file."""

    def __init__(self, session: Session, importer: User | None):
        self.session = session
        self.importer = _Who.of(importer)
        self.kinds = _aliases(kinds(session))
        self.status_by_label = _aliases(status_labels().items())
        self.users: dict[str, _Who | None] = {}
        self.units: dict[str, OrgUnit | None] = {}
        self.scope = importer.scope if importer is not None else None
        if importer is not None and self.scope != "all":
            self.reach = set(session.scalars(subtree_ids(importer.org_unit_id)))
        else:
            self.reach = None
        self.may_activate = importer is None or has_permission(session, importer,
                                                               "customers.approve")

    def user(self, username: str) -> _Who | None:
        if username not in self.users:
            self.users[username] = _Who.of(self.session.scalar(
                select(User).where(User.username == username)))
        return self.users[username]

    def unit(self, code: str) -> OrgUnit | None:
        if code not in self.units:
            self.units[code] = self.session.scalar(select(OrgUnit).where(OrgUnit.code == code))
        return self.units[code]


_LIMITS = tuple((k, n) for k, n in LENGTHS.items() if k in CUSTOMER_FIELDS and k != "licence_no")
_CONTACT_KEYS = tuple((k, "contact_" + k) for k in ("name", "role", "phone", "wechat"))


def _check_row(ctx: _Context, values: dict) -> tuple[dict | None, list[str]]:
    errs: list[str] = []
    # clean_fields() for text read_rows already stripped: the legal numbers
    # upper-cased, empty ones None.  Messages are only formatted for rows
    # that fail.
    get = values.get
    fields = {k: get(k, "") for k in CUSTOMER_FIELDS}
    fields["licence_no"] = fields["licence_no"].upper() or None
    fields["tax_no"] = fields["tax_no"].upper() or None
    if not fields["name"]:
        errs.append(str(_l("The customer name is required.")))
    kind = ctx.kinds.get(fields["kind"].lower())
    if kind is None:
        errs.append(str(_l("Unknown customer kind: %(kind)s", kind=fields["kind"] or "—")))
    fields["kind"] = kind
    for key, limit in _LIMITS:
        v = fields[key]
        if v and len(v) > limit:
            errs.append(str(_l("%(field)s is longer than %(n)s characters.", field=key, n=limit)))
    if fields["province"] or fields["city"] or fields["county"]:
        std = divisions.normalise(fields["province"], fields["city"], fields["county"])
        if std is None:
            errs.append(str(master_region_problem(fields)))
        else:
            fields["province"], fields["city"], fields["county"] = std
    if fields["licence_no"]:
        reason = uscc.problem(fields["licence_no"])
        if reason == "length":
            errs.append(str(_l("The unified social credit code has 18 characters.")))
        elif reason:
            errs.append(str(_l("The unified social credit code %(code)s is not valid "
                               "(GB 32100-2015 check failed).", code=fields["licence_no"])))
    status = PROSPECT
    if values.get("status"):
        status = ctx.status_by_label.get(values["status"].lower())
        if status not in IMPORT_STATUSES:
            errs.append(str(_l("Unknown or not importable status: %(s)s", s=values["status"])))
        elif status != PROSPECT and not ctx.may_activate:
            errs.append(str(_l("Only a manager may import customers that are not prospects.")))
    owner = None
    unit = None
    if values.get("owner"):
        owner = ctx.user(values["owner"])
        if owner is None or not owner.active:
            errs.append(str(_l("Unknown user: %(name)s", name=values["owner"])))
    elif ctx.importer is not None:
        owner = ctx.importer
    if values.get("org_unit"):
        unit = ctx.unit(values["org_unit"])
        if unit is None:
            errs.append(str(_l("Unknown org unit: %(code)s", code=values["org_unit"])))
    unit_id = unit.id if unit else (owner.org_unit_id if owner else None)
    if unit_id is None and not errs:
        errs.append(str(_l("Name the owner (username) or the org unit.")))
    if ctx.importer is not None and owner is not None:
        if ctx.scope == "own" and owner.id != ctx.importer.id:
            errs.append(str(_l("You may only import your own customers.")))
        elif ctx.reach is not None and owner.org_unit_id not in ctx.reach:
            errs.append(str(_l("%(name)s is outside your org unit.", name=owner.username)))
    if ctx.reach is not None and unit_id is not None and unit_id not in ctx.reach:
        errs.append(str(_l("Org unit %(code)s is outside your org unit.",
                           code=values.get("org_unit") or unit_id)))
    if errs:
        return None, errs
    row = dict(fields, status=status, org_unit_id=unit_id, owner_id=owner.id if owner else None)
    contact = {k: get(key, "") for k, key in _CONTACT_KEYS}
    if any(contact.values()):
        if not contact["name"]:
            return None, [str(_l("The contact's name is required."))]
        row["_contact"] = {k: v[:80] if k != "phone" else v[:40] for k, v in contact.items()}
    return row, []


def _existing(session: Session, column, values: list[str]) -> dict[str, tuple[str, str]]:
    """{value: (code, name)} of accounts already holding one of ``values``.
    The lists are rendered as literals: a prepared statement's generic plan,
    made while the table was small, would scan the whole table per chunk."""
    found = {}
    vals = bindparam("vals", expanding=True, literal_execute=True)
    stmt = select(column, Customer.code, Customer.name).where(column.in_(vals))
    for i in range(0, len(values), CHUNK):
        for v, code, name in session.execute(stmt, {"vals": values[i:i + CHUNK]}):
            found[v] = (code, name)
    return found


def check(session: Session, rows: Iterable[tuple[int, dict]], importer: User | None,
          on_rows: Callable[[int], None] | None = None,
          ) -> tuple[list[tuple[int, dict]], list[tuple[int, str]], int]:
    """All rows checked; returns (good rows, [(row, message)], row count).
    ``on_rows(count)`` is called every ``CHUNK`` rows (job progress)."""
    ctx = _Context(session, importer)
    good: list[tuple[int, dict]] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, dict[str, int]] = {"licence_no": {}, "tax_no": {}}
    limit = int(settings.get(session, "customers.import_max_rows"))
    labels = (("licence_no", _l("licence number")), ("tax_no", _l("tax number")))
    count = 0
    for n, values in rows:
        count += 1
        if count > limit:
            raise ServiceError(_l("The file has more than %(n)s rows.", n=limit))
        if on_rows is not None and count % CHUNK == 0:
            on_rows(count)
        row, errs = _check_row(ctx, values)
        for key, label in labels:
            v = row.get(key) if row else None
            if v:
                # Every identifier against every identifier field: a row's
                # tax number equal to an earlier row's licence number is
                # the same legal entity (a row may repeat its own number).
                earlier = [seen[k][v] for k, _l2 in labels if v in seen[k] and seen[k][v] != n]
                if earlier:
                    errs.append(str(_l("Same %(what)s %(no)s as row %(row)s.", what=label, no=v,
                                       row=earlier[0])))
                else:
                    seen[key][v] = n
        for e in errs:
            errors.append((n, e))
        if row is not None and not errs:
            good.append((n, row))
    errors.extend(clashes(session, seen))
    errors.sort(key=lambda e: e[0])
    return good, errors, count


def clashes(session: Session, seen: dict[str, dict[str, int]]) -> list[tuple[int, str]]:
    """Rows whose licence or tax number already belongs to an account;
    ``seen`` is {"licence_no": {number: row}, "tax_no": {…}}."""
    errors = []
    for key, label in (("licence_no", _l("Licence number")), ("tax_no", _l("Tax number"))):
        values = list(seen.get(key, ()))
        # Each number against both identifier fields of the accounts.
        clash = {**_existing(session, Customer.tax_no, values),
                 **_existing(session, Customer.licence_no, values)}
        for v, (code, name) in sorted(clash.items()):
            errors.append((seen[key][v], str(_l(
                "%(what)s %(no)s already belongs to customer %(code)s %(name)s: one legal "
                "entity, one account.", what=label, no=v, code=code, name=name))))
    return errors


# -- importing ----------------------------------------------------------------
def import_file(session: Session, stream: BinaryIO, filename: str, importer: User | None,
                dry_run: bool = False) -> ImportResult:
    """Check every row; if all are good (and not a dry run) insert them all.
    The caller commits; on errors nothing was added to the session.  The
    file is refused whole (``ServiceError``) when it breaks the limits of
    ``core.spreadsheets`` — before it is parsed."""
    # Hundreds of thousands of small dicts and lists are alive at once; the
    # cyclic collector would rescan them over and over (about a third of the
    # time) although none of them forms a cycle.
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        return _import(session, stream, filename, importer, dry_run)
    finally:
        if gc_was_on:
            gc.enable()


def _import(session: Session, stream: BinaryIO, filename: str, importer: User | None,
            dry_run: bool) -> ImportResult:
    rows = read_rows(stream, filename, limits(session))
    good, errors, count = check(session, rows, importer)
    result = ImportResult(rows=count, errors=errors, dry_run=dry_run)
    if errors or dry_run or not good:
        return result
    result.imported = _insert(session, [r for _n, r in good], importer)
    return result


def import_in_steps(read_scope, write_scope, stream: BinaryIO, filename: str, importer_id: int,
                    dry_run: bool = False,
                    progress: Callable[[int, str], None] | None = None) -> ImportResult:
    """``import_file`` for a background job: the rows are read and checked
    in a reading transaction (``read_scope()``, so progress can be recorded
    meanwhile), then, in one writing transaction (``write_scope()``), the
    licence and tax numbers are checked again against the accounts and
    the rows inserted — all or nothing, as ``import_file``.
    ``progress(percent, message)`` is called between the steps."""
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        with read_scope() as s:
            importer = s.get(User, importer_id)
            source = spreadsheets.Rows(stream, filename, limits(s))

            def on_rows(n: int) -> None:
                if progress is not None:
                    part = source.fraction()
                    progress(int(80 * part) if part is not None else 0,
                             str(_l("%(n)s rows checked", n=n)))

            good, errors, count = check(s, read_rows(stream, filename, source=source), importer,
                                        on_rows)
            s.expunge_all()
        result = ImportResult(rows=count, errors=errors, dry_run=dry_run)
        if errors or dry_run or not good:
            return result
        if progress is not None:
            progress(80, str(_l("%(n)s rows checked", n=count)))
        seen: dict[str, dict[str, int]] = {"licence_no": {}, "tax_no": {}}
        for n, row in good:
            for key in seen:
                if row.get(key):
                    seen[key][row[key]] = n
        with write_scope() as s:
            result.errors = sorted(clashes(s, seen))
            if not result.errors:
                result.imported = _insert(s, [r for _n, r in good], s.get(User, importer_id))
            else:
                s.rollback()
        return result
    finally:
        if gc_was_on:
            gc.enable()


def _insert(session: Session, rows: list[dict], importer: User | None) -> int:
    """Insert the checked rows, their contacts and their audit rows with the
    driver (tuples, no per-row parameter dicts): multi-row ``INSERT``
    statements on SQLite, ``COPY`` on PostgreSQL; then the new customers go
    into the search index in one statement (SQLite; PostgreSQL's indexes
    follow by themselves).  Ids are allocated
    up front (SQLite: past the highest id, under the write lock the
    transaction already holds for the codes; PostgreSQL: from the table's
    sequence), so no ``RETURNING`` and no lookup by code is needed."""
    n = len(rows)
    codes = next_numbers(session, SEQUENCE, n)
    conn = session.connection()
    dialect = conn.dialect.name
    table = Customer.__table__
    if dialect == "postgresql":
        ids = list(conn.scalars(text(
            "SELECT nextval(pg_get_serial_sequence('customers_customer', 'id')) "
            "FROM generate_series(1, :n)"), {"n": n}))
    else:
        first = (conn.scalar(select(func.max(table.c.id))) or 0) + 1
        ids = list(range(first, first + n))
    now = utcnow()
    # The DateTime type's storage format (a string on SQLite), worked out once.
    to_db = table.c.created_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
    stamp = to_db(now) if to_db else now
    fields = [k for k in rows[0] if k != "_contact"]
    cust_cols = ("id", "code", *fields, "search_also", "created_at", "updated_at")
    customers = []
    contacts = []
    audit = []
    # The audit trail records every imported customer, as for any insert:
    # the changes' JSON is written here once per row, as the JSON type would.
    user_id = importer.id if importer else session.info.get("audit_user_id")
    reason = str(_l("Imported from a file"))
    name = str(table.name)  # a plain str: SQLAlchemy's quoted_name costs a lookup per row
    # The JSON text is put together from pieces — '{"code": [null, "…"],
    # "name": [null, "…"]}', what json.dumps writes for the same dict —
    # a third of the time of building a dict per row and encoding it.
    # Chinese stays UTF-8 rather than \u escapes: half the bytes to write.
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    heads = tuple(f', {dumps(k)}: [null, ' for k in fields)
    pick = itemgetter(*fields)
    for cid, code, row in zip(ids, codes, rows):
        values = pick(row)
        contact = row.get("_contact")
        also = searchwords.also_text(row.get("name"), row.get("legal_person"),
                                     [(contact["name"], contact["phone"])] if contact else [])
        customers.append((cid, code, *values, also, stamp, stamp))
        changes = "".join([h + (_json_str(v) if v.__class__ is str else dumps(v)) + "]"
                           for h, v in zip(heads, values) if v])
        audit.append((stamp, user_id, name, str(cid), "create",
                      '{"code": [null, ' + _json_str(code) + "]" + changes + "}", reason))
        if contact:
            contacts.append((cid, contact["name"], contact["role"], contact["phone"],
                             contact["wechat"], "", False, stamp, stamp))
    _bulk(conn, table.name, cust_cols, customers)
    searchindex.catch_up(conn, bulk=True)  # the search index, in one statement
    _bulk(conn, Contact.__tablename__, ("customer_id", "name", "role", "phone", "wechat",
                                        "email", "is_decider", "created_at", "updated_at"),
          contacts)
    _bulk(conn, AuditLog.__tablename__, ("at", "user_id", "table_name", "record_id", "action",
                                         "changes", "reason"), audit)
    return n


def _bulk(conn, table: str, cols: tuple[str, ...], rows: list[tuple]) -> None:
    """``rows`` into ``table`` on the session's connection and transaction."""
    if not rows:
        return
    raw = conn.connection.driver_connection
    names = ", ".join(cols)
    if conn.dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        return
    per = max(1, min(BLOCK, 32000 // len(cols)))  # SQLite's limit on parameters
    one = "(" + ", ".join("?" * len(cols)) + ")"
    full = f"INSERT INTO {table} ({names}) VALUES " + ", ".join([one] * per)
    cur = raw.cursor()
    try:
        for i in range(0, len(rows), per):
            block = rows[i:i + per]
            sql = full if len(block) == per else (
                f"INSERT INTO {table} ({names}) VALUES " + ", ".join([one] * len(block)))
            cur.execute(sql, list(chain.from_iterable(block)))
    finally:
        cur.close()
