"""Spreadsheet files in and out (.xlsx and .csv): what every export and
every import goes through.  No Flask.

Exports — formula injection ("CSV injection", OWASP): a text cell that
begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be
run as a formula by Excel, WPS or LibreOffice (``=HYPERLINK(…)``,
``=cmd|' /C calc'!A0``).  Such text is written with a leading single quote
(``'=HYPERLINK(…)``), and in .xlsx every text cell is typed as text
(``data_type 's'``) so it can never become a formula.  Numbers (``int``,
``Decimal``, ``float``) and dates stay numbers and dates: a negative amount
is a number, not text.  ``append`` (openpyxl sheets, normal or write-only)
and ``write_csv`` are the two ways to write a row; ``unquote`` undoes the
quote when a file we exported is imported again.

Imports — a small file may hold a huge workbook (a shared-strings "bomb":
300 KB that decompress to hundreds of MB).  ``open_rows`` checks the file
before any parser sees it — its size, its content (an .xlsx is a ZIP with
the members of a workbook; a CSV is UTF-8 or GB18030 text), and for an
.xlsx each member's decompressed size, the total, and the compression
ratio as the ZIP's directory declares them (Python's ``zipfile`` never
inflates a member beyond its declared size), and the cells per row, the
cells in all and the shared strings, counted in the inflated bytes
without parsing them — then streams the rows
(openpyxl ``read_only``; ``csv`` over an incremental decoder), refusing
more rows or columns than allowed.  The limits are the constants below
(``IMPORT_*``); a plugin may lower the row limit (``Limits.rows``).
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import tempfile
from contextlib import contextmanager
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

from .i18n import _l
from .services import ServiceError

# -- exports -------------------------------------------------------------------
#: What a spreadsheet program reads as the start of a formula (OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: Control characters an .xlsx cannot hold (openpyxl refuses them).
_ILLEGAL_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: Any) -> Any:
    """``value`` as it may be written to a cell: text that would start a
    formula gets a leading ``'``; anything that is not text is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unquote(text: str) -> str:
    """Undo ``neutralise`` on a cell read back from an export."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def safe_row(row: Iterable[Any]) -> list[Any]:
    return [neutralise(v) for v in row]


def xlsx_cell(ws, value: Any):
    """An openpyxl cell for ``ws`` (normal or write-only) holding ``value``:
    text neutralised and typed as text, never as a formula."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=neutralise(_ILLEGAL_XLSX.sub("", value)))
        cell.data_type = "s"
        return cell
    return WriteOnlyCell(ws, value=value)


def append(ws, row: Iterable[Any]) -> None:
    """``ws.append(row)`` for exports: every text cell goes through ``xlsx_cell``."""
    ws.append([xlsx_cell(ws, v) if isinstance(v, str) else v for v in row])


def write_csv(rows: Iterable[Iterable[Any]], out: BinaryIO) -> None:
    """Rows as CSV (UTF-8 with a byte order mark, which Excel needs to read
    Chinese) into the binary ``out``, every cell through ``neutralise``."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    w = csv.writer(text)
    for r in rows:
        w.writerow(safe_row(r))
    text.flush()
    text.detach()


# -- imports: limits -------------------------------------------------------------
MB = 1024 * 1024
#: Largest file accepted for an import (bytes).
IMPORT_MAX_BYTES = 20 * MB
#: Most data rows (the header row not counted); plugins may set fewer.
IMPORT_MAX_ROWS = 200_000
#: Most columns: a value beyond this column refuses the file.
IMPORT_MAX_COLUMNS = 64
#: .xlsx: most bytes all members of the ZIP may decompress to, together.
IMPORT_MAX_UNZIPPED_BYTES = 256 * MB
#: .xlsx: most bytes of the shared strings (read whole by any reader).
IMPORT_MAX_SHARED_STRINGS_BYTES = 64 * MB
#: .xlsx: most a member may grow when decompressed (Apache POI's default
#: bound, 1 %); only checked for members above ``IMPORT_RATIO_FROM_BYTES``.
IMPORT_MAX_RATIO = 100
IMPORT_RATIO_FROM_BYTES = 1 * MB
#: .xlsx: most members in the ZIP (a workbook has a dozen or two).
IMPORT_MAX_MEMBERS = 1000
#: .xlsx: most cells in one row of a sheet (Excel's own maximum, XFD) — a
#: reader builds a whole row before handing it on.
IMPORT_MAX_CELLS_PER_ROW = 16_384
#: .xlsx: most cells in all sheets together (about 200,000 rows × 64 columns).
IMPORT_MAX_CELLS = 13_000_000
#: .xlsx: most shared strings (each one is held in memory while reading).
IMPORT_MAX_SHARED_STRING_COUNT = 2_000_000
#: Empty rows tolerated past the last allowed row (Excel keeps formatted
#: empty rows); a row beyond them refuses the file.
IMPORT_SPARE_EMPTY_ROWS = 1000
#: Imports with more data rows than this run as a background job on the web.
IMPORT_BACKGROUND_ROWS = 2000

XLSX_MEMBERS = ("[Content_Types].xml", "xl/workbook.xml")
SHARED_STRINGS = "xl/sharedStrings.xml"


@dataclass(frozen=True)
class Limits:
    bytes: int = IMPORT_MAX_BYTES
    rows: int = IMPORT_MAX_ROWS
    columns: int = IMPORT_MAX_COLUMNS
    unzipped: int = IMPORT_MAX_UNZIPPED_BYTES
    shared_strings: int = IMPORT_MAX_SHARED_STRINGS_BYTES
    ratio: int = IMPORT_MAX_RATIO
    members: int = IMPORT_MAX_MEMBERS
    cells_per_row: int = IMPORT_MAX_CELLS_PER_ROW
    cells: int = IMPORT_MAX_CELLS
    shared_string_count: int = IMPORT_MAX_SHARED_STRING_COUNT

    def with_rows(self, rows: int) -> "Limits":
        return replace(self, rows=min(self.rows, int(rows)))


class ImportRefused(ServiceError):
    """The file is refused as a whole, before anything is imported."""


def _mb(n: int) -> str:
    return f"{n / MB:.0f}"


def _size_of(stream: BinaryIO) -> int:
    pos = stream.tell()
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(pos)
    return size


def _copy(stream: BinaryIO, out: BinaryIO, limits: Limits) -> int:
    """Copy ``stream`` into ``out`` in chunks, refusing once it passes the
    size limit.  Returns the size."""
    written = 0
    while True:
        chunk = stream.read(256 * 1024)
        if not chunk:
            return written
        written += len(chunk)
        if written > limits.bytes:
            raise ImportRefused(_l("The file is larger than %(mb)s MB.", mb=_mb(limits.bytes)))
        out.write(chunk)


def spool(stream: BinaryIO, dest: Path, limits: Limits = Limits()) -> int:
    """Copy an upload to ``dest`` in chunks (never whole in memory),
    refusing — and removing the part written — once it passes the size
    limit.  Returns the size."""
    try:
        with open(dest, "wb") as out:
            return _copy(stream, out, limits)
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


@contextmanager
def spooled(stream: BinaryIO, limits: Limits = Limits()) -> Iterator[BinaryIO]:
    """An upload copied, in chunks, to an anonymous temporary file (open
    for reading, removed on exit); refused once it passes the size limit."""
    with tempfile.TemporaryFile() as tmp:
        _copy(stream, tmp, limits)
        tmp.seek(0)
        yield tmp


def kind_of(stream: BinaryIO, filename: str) -> str:
    """``"xlsx"`` or ``"csv"`` by the file's first bytes (the name only
    decides the message when an .xlsx is not a ZIP)."""
    head = stream.read(4)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if Path(filename or "").suffix.lower() in (".xlsx", ".xlsm"):
        raise ImportRefused(_l("The file is not a valid Excel workbook."))
    return "csv"


def check_xlsx(stream: BinaryIO, limits: Limits = Limits()) -> None:
    """Refuse an .xlsx whose ZIP is not a workbook or would decompress
    beyond the limits — from the ZIP's directory — or holds too many cells
    or shared strings — counted in the decompressed bytes — before any
    XML parser sees it."""
    bad = ImportRefused(_l("The file is not a valid Excel workbook."))
    size = _size_of(stream)
    if size > limits.bytes:
        raise ImportRefused(_l("The file is larger than %(mb)s MB.", mb=_mb(limits.bytes)))
    try:
        with zipfile.ZipFile(stream) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise bad from None
    finally:
        stream.seek(0)
    if len(infos) > limits.members:
        raise bad
    names = {i.filename for i in infos}
    if not all(m in names for m in XLSX_MEMBERS):
        raise bad
    too_big = ImportRefused(_l(
        "The workbook would take more than %(mb)s MB once unpacked (or is packed far tighter "
        "than a normal workbook); nothing was imported. Save it again in Excel, or split it.",
        mb=_mb(limits.unzipped)))
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:  # encrypted
            raise bad
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise bad
        total += info.file_size
        if (info.file_size > IMPORT_RATIO_FROM_BYTES
                and info.file_size > limits.ratio * max(info.compress_size, 1)):
            raise too_big
        if info.filename == SHARED_STRINGS and info.file_size > limits.shared_strings:
            raise too_big
    if total > limits.unzipped:
        raise too_big
    too_many = ImportRefused(_l(
        "The workbook holds more than an import accepts (at most %(row)s cells in a row, "
        "%(cells)s cells in all, %(texts)s different texts); nothing was imported.",
        row=limits.cells_per_row, cells=limits.cells, texts=limits.shared_string_count))
    _count_cells(stream, infos, limits, bad, too_many)


#: Start tags of a cell and of a shared string (``<c …>``, ``<si>``); with
#: the prefix the member binds the main namespace to, if any (``<x:c>``).
_CELL_TAGS = (b"<c ", b"<c>", b"<c/>")
_SI_TAGS = (b"<si>", b"<si ", b"<si/>")
_PREFIX = re.compile(rb"<(\w+):(?:worksheet|sst)[\s>]")


def _tags(tags: tuple[bytes, ...], found) -> tuple[bytes, ...]:
    if found is None:
        return tags
    return tags + tuple(b"<" + found.group(1) + b":" + t[1:] for t in tags)


def _count(data: bytes, tags: tuple[bytes, ...], start: int, end: int) -> int:
    """Tags of ``tags`` that start in ``data[start:end]``."""
    return sum(data.count(t, start, end + len(t) - 1) for t in tags)


def _count_cells(stream: BinaryIO, infos, limits: Limits, bad: ImportRefused,
                 too_many: ImportRefused) -> None:
    """Count the cells of each row of every sheet and the shared strings,
    decompressing chunk by chunk and counting bytes (no XML parsing): a
    row of millions of tiny cells, or millions of tiny strings, fits in
    the size limits yet would fill memory when parsed."""
    total = 0
    try:
        with zipfile.ZipFile(stream) as zf:
            for info in infos:
                name = info.filename
                sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
                if not sheet and name != SHARED_STRINGS:
                    continue
                tags: tuple[bytes, ...] = ()
                row_end = b"</row>"
                in_row = strings = skip = 0
                tail = b""
                with zf.open(info) as member:
                    while True:
                        chunk = member.read(256 * 1024)
                        data = tail + chunk
                        if not tags:
                            found = _PREFIX.search(data[:4096])
                            tags = _tags(_CELL_TAGS if sheet else _SI_TAGS, found)
                            if found is not None:
                                row_end = b"</" + found.group(1) + b":row>"
                        # What starts in the last bytes is counted with the next chunk.
                        cut = len(data) if not chunk else max(len(data) - 12, 0)
                        start = skip
                        if sheet and start < cut:
                            cells = _count(data, tags, start, cut)
                            last = data.rfind(row_end, start, cut + len(row_end) - 1)
                            if in_row + cells <= limits.cells_per_row:
                                # No row of this chunk can be too long: only the
                                # cells after its last row end carry over.
                                total += cells
                                if last >= 0:
                                    in_row = 0
                                    start = last + len(row_end)
                                    if start < cut:
                                        in_row = _count(data, tags, start, cut)
                                else:
                                    in_row += cells
                            else:
                                total += cells
                                while True:
                                    end = data.find(row_end, start, cut + len(row_end) - 1)
                                    if end < 0:
                                        in_row += _count(data, tags, start, cut)
                                        break
                                    in_row += _count(data, tags, start, end)
                                    if in_row > limits.cells_per_row:
                                        raise too_many
                                    in_row = 0
                                    start = end + len(row_end)
                            if in_row > limits.cells_per_row or total > limits.cells:
                                raise too_many
                        elif not sheet and start < cut:
                            strings += _count(data, tags, start, cut)
                            if strings > limits.shared_string_count:
                                raise too_many
                        if not chunk:
                            break
                        skip = max(0, start - cut)
                        tail = data[cut:]
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise bad from None
    finally:
        stream.seek(0)


def csv_encoding(stream: BinaryIO, limits: Limits = Limits()) -> str:
    """The file's encoding, read chunk by chunk: UTF-8 (with or without a
    byte order mark) or GB18030; anything else (binary) is refused."""
    if _size_of(stream) > limits.bytes:
        raise ImportRefused(_l("The file is larger than %(mb)s MB.", mb=_mb(limits.bytes)))
    try:
        for enc in ("utf-8-sig", "gb18030"):
            stream.seek(0)
            decoder = codecs.getincrementaldecoder(enc)()
            try:
                while True:
                    chunk = stream.read(256 * 1024)
                    if not chunk:
                        break
                    if b"\x00" in chunk:
                        raise ImportRefused(_l("The CSV file is neither UTF-8 nor GB18030 text."))
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
                return enc
            except UnicodeDecodeError:
                continue
    finally:
        stream.seek(0)
    raise ImportRefused(_l("The CSV file is neither UTF-8 nor GB18030 text."))


class Rows:
    """The rows of an upload's first sheet, header first, each a tuple or
    list of raw values (text for CSV; text, numbers, dates for .xlsx).
    Iterate once.  ``fraction()`` estimates how much has been read."""

    def __init__(self, stream: BinaryIO, filename: str, limits: Limits = Limits()):
        self.stream = stream
        self.limits = limits
        self.kind = kind_of(stream, filename)
        self.size = _size_of(stream)
        self.declared_rows: int | None = None
        self._n = 0
        if self.kind == "xlsx":
            check_xlsx(stream, limits)
        else:
            self.encoding = csv_encoding(stream, limits)

    def fraction(self) -> float | None:
        if self.kind == "csv":
            try:
                return min(1.0, self.stream.tell() / max(self.size, 1))
            except (OSError, ValueError):
                return None
        if self.declared_rows:
            return min(1.0, self._n / self.declared_rows)
        return None

    def _too_many_rows(self) -> ImportRefused:
        return ImportRefused(_l("The file has more than %(n)s rows.", n=self.limits.rows))

    def _too_many_columns(self) -> ImportRefused:
        return ImportRefused(_l("The file has more than %(n)s columns.", n=self.limits.columns))

    def __iter__(self) -> Iterator[tuple | list]:
        source = self._xlsx() if self.kind == "xlsx" else self._csv()
        limits = self.limits
        last_row = limits.rows + 1  # the header, then the data rows
        filled = 0
        for n, row in enumerate(source, start=1):
            self._n = n
            empty = all(v is None or v == "" for v in row)
            if not empty:
                if n > 1:
                    filled += 1
                if filled > limits.rows:
                    raise self._too_many_rows()
                if len(row) > limits.columns and any(
                        v is not None and v != "" for v in row[limits.columns:]):
                    raise self._too_many_columns()
            elif n > last_row + IMPORT_SPARE_EMPTY_ROWS:
                raise self._too_many_rows()
            yield row[:limits.columns]

    def _xlsx(self) -> Iterator[tuple]:
        from openpyxl import load_workbook

        try:
            wb = load_workbook(self.stream, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - any parse failure is the user's file
            raise ImportRefused(_l("The file is not a valid Excel workbook.")) from None
        try:
            if not wb.worksheets:
                return
            ws = wb.worksheets[0]
            try:
                declared = ws.max_row  # the sheet's <dimension>, when it has one
            except Exception:  # noqa: BLE001 - an unreadable dimension is no dimension
                declared = None
            if declared and declared > self.limits.rows + 1 + IMPORT_SPARE_EMPTY_ROWS:
                raise self._too_many_rows()
            self.declared_rows = declared
            # At most one column past the limit: rows are never padded out
            # to whatever width the sheet claims.
            try:
                yield from ws.iter_rows(max_col=self.limits.columns + 1, values_only=True)
            except ImportRefused:
                raise
            except Exception:  # noqa: BLE001 - broken XML inside the ZIP, a bad CRC…
                raise ImportRefused(_l("The file is not a valid Excel workbook.")) from None
        finally:
            wb.close()

    def _csv(self) -> Iterator[list]:
        text = io.TextIOWrapper(self.stream, encoding=self.encoding, newline="")
        try:
            try:
                yield from csv.reader(text)
            except csv.Error:
                raise ImportRefused(_l("The CSV file cannot be read (a field is too long or "
                                       "a quote is not closed).")) from None
        finally:
            try:
                text.detach()  # leave the caller's file open
            except ValueError:  # it was closed already
                pass
