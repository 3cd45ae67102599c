"""core.spreadsheets: formula text neutralised in exports; imports checked
(content, sizes, compression) before any parser sees them, then streamed
within the row and column limits."""
import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from openpyxl import Workbook, load_workbook

from core import spreadsheets
from core.spreadsheets import ImportRefused, Limits, Rows

DANGEROUS = ['=HYPERLINK("http://x","y")', "=cmd|' /C calc'!A0", "+1+2", "-2+3", "@SUM(1,2)",
             "\t=1+1", "\r=1+1"]


def xlsx_bytes(rows):
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def bomb(size=8 * 1024 * 1024):
    """A real workbook whose shared strings are replaced by ``size`` bytes
    of one repeated string: a few KB on disk."""
    src = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["name", "kind"], ["a", "b"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            if info.filename != "xl/sharedStrings.xml":
                zf.writestr(info.filename, src.read(info.filename))
        head = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/' \
               b'spreadsheetml/2006/main"><si><t>'
        zf.writestr("xl/sharedStrings.xml", head + b"A" * size + b"</t></si></sst>")
    return out.getvalue()


@pytest.fixture
def no_parsing(monkeypatch):
    def refuse(*a, **kw):
        raise AssertionError("openpyxl.load_workbook was called")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


# -- exports -------------------------------------------------------------------
def test_neutralise_quotes_each_formula_prefix_and_leaves_numbers():
    for text in DANGEROUS:
        assert spreadsheets.neutralise(text) == "'" + text
        assert spreadsheets.unquote("'" + text) == text
    assert spreadsheets.neutralise("杭州永利") == "杭州永利"
    assert spreadsheets.neutralise(Decimal("-5.00")) == Decimal("-5.00")
    assert spreadsheets.neutralise(-3) == -3


def test_xlsx_cells_are_text_never_formulas_and_numbers_stay_numbers():
    for write_only in (True, False):
        wb = Workbook(write_only=write_only)
        ws = wb.create_sheet("x") if write_only else wb.active
        spreadsheets.append(ws, DANGEROUS + ["#N/A", Decimal("-5.00"), -3, None])
        out = io.BytesIO()
        wb.save(out)
        cells = list(load_workbook(io.BytesIO(out.getvalue())).worksheets[0].iter_rows())[0]
        assert [c.data_type for c in cells[:len(DANGEROUS) + 1]] == ["s"] * (len(DANGEROUS) + 1)
        assert [c.value for c in cells[:len(DANGEROUS)]] == ["'" + t for t in DANGEROUS]
        assert cells[len(DANGEROUS)].value == "#N/A"
        amount, count = cells[len(DANGEROUS) + 1], cells[len(DANGEROUS) + 2]
        assert amount.data_type == "n" and amount.value == -5
        assert count.data_type == "n" and count.value == -3


def test_csv_quotes_formula_text_only():
    out = io.BytesIO()
    spreadsheets.write_csv([DANGEROUS + [Decimal("-5.00"), -3]], out)
    row = next(csv.reader(io.StringIO(out.getvalue().decode("utf-8-sig"), newline="")))
    assert row[:len(DANGEROUS)] == ["'" + t for t in DANGEROUS]
    assert row[len(DANGEROUS):] == ["-5.00", "-3"]


# -- imports -------------------------------------------------------------------
def test_a_shared_strings_bomb_is_refused_from_the_zip_directory(no_parsing):
    data = bomb()
    assert len(data) < 100_000
    with pytest.raises(ImportRefused) as e:
        Rows(io.BytesIO(data), "b.xlsx")
    assert "MB" in str(e.value)


def test_total_unpacked_size_and_shared_strings_size_are_limits(no_parsing):
    data = xlsx_bytes([["x" * 50 + str(i)] for i in range(2000)])
    spreadsheets.check_xlsx(io.BytesIO(data))  # fine with the defaults
    with pytest.raises(ImportRefused):
        spreadsheets.check_xlsx(io.BytesIO(data), Limits(unzipped=20_000))
    small = bomb(size=20_000)  # below the size from which the ratio counts
    spreadsheets.check_xlsx(io.BytesIO(small))
    with pytest.raises(ImportRefused):
        spreadsheets.check_xlsx(io.BytesIO(small), Limits(shared_strings=10_000))


@pytest.mark.parametrize("payload", [b"PK\x03\x04 not really a zip", b"", b"\x00\x01\x02"])
def test_not_a_workbook_is_refused_before_parsing(no_parsing, payload):
    with pytest.raises(ImportRefused):
        list(Rows(io.BytesIO(payload), "x.xlsx"))


def test_a_zip_that_is_no_workbook_is_refused(no_parsing):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(ImportRefused):
        Rows(io.BytesIO(out.getvalue()), "x.xlsx")


def test_file_size_limit():
    with pytest.raises(ImportRefused):
        Rows(io.BytesIO(b"a,b\n" * 100), "x.csv", Limits(bytes=200))
    with pytest.raises(ImportRefused):
        with spreadsheets.spooled(io.BytesIO(b"x" * 300), Limits(bytes=200)):
            pass


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_rows_and_columns_limits(kind):
    def make(rows):
        if kind == "xlsx":
            return io.BytesIO(xlsx_bytes(rows))
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        return io.BytesIO(buf.getvalue().encode("utf-8"))

    limits = Limits(rows=5, columns=4)
    ok = [["h1", "h2"]] + [[f"r{i}", "x"] for i in range(5)]
    assert len(list(Rows(make(ok), "f." + kind, limits))) == 6
    with pytest.raises(ImportRefused) as e:
        list(Rows(make(ok + [["r5", "x"]]), "f." + kind, limits))
    assert "5" in str(e.value)
    wide = [["h1", "h2"], ["a", "b", "", "", "too wide"]]
    with pytest.raises(ImportRefused):
        list(Rows(make(wide), "f." + kind, limits))


def test_csv_is_decoded_as_utf8_or_gb18030_and_text_is_streamed():
    gbk = "名称,类型\n杭州,传统客户\n".encode("gb18030")
    assert list(Rows(io.BytesIO(gbk), "x.csv")) == [["名称", "类型"], ["杭州", "传统客户"]]
    with pytest.raises(ImportRefused):
        Rows(io.BytesIO(b"a,b\n\x00\x00\n"), "x.csv")


def _with_member(name, payload):
    """A real workbook with one member replaced."""
    src = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["name", "kind"], ["a", "b"]])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for info in src.infolist():
            if info.filename != name:
                zf.writestr(info.filename, src.read(info.filename))
        zf.writestr(name, payload)
    return out.getvalue()


def test_a_row_of_too_many_cells_is_refused_before_parsing(no_parsing):
    def sheet(cells, prefix=b""):
        p = prefix + b":" if prefix else b""
        ns = b" xmlns:" + prefix + b'="m"' if prefix else b""
        row = b"<" + p + b'row r="1">' + (b"<" + p + b"c/>") * cells + b"</" + p + b"row>"
        return (b"<" + p + b"worksheet" + ns + b"><" + p + b"sheetData>" + row * 2
                + b"</" + p + b"sheetData></" + p + b"worksheet>")

    for prefix in (b"", b"x"):
        name = "xl/worksheets/sheet1.xml"
        limits = Limits(ratio=10 ** 9)  # the cell count alone
        spreadsheets.check_xlsx(io.BytesIO(_with_member(name, sheet(16384, prefix))), limits)
        with pytest.raises(ImportRefused):
            spreadsheets.check_xlsx(io.BytesIO(_with_member(name, sheet(16385, prefix))),
                                    limits)
        with pytest.raises(ImportRefused):  # 2 × 16384 cells
            spreadsheets.check_xlsx(io.BytesIO(_with_member(name, sheet(16384, prefix))),
                                    Limits(ratio=10 ** 9, cells=30000))


def test_millions_of_tiny_shared_strings_are_refused_before_parsing(no_parsing):
    sst = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           + b"<si><t>a</t></si>" * 5000 + b"</sst>")
    data = _with_member("xl/sharedStrings.xml", sst)
    spreadsheets.check_xlsx(io.BytesIO(data), Limits(shared_string_count=5000))
    with pytest.raises(ImportRefused) as e:
        spreadsheets.check_xlsx(io.BytesIO(data), Limits(shared_string_count=4999))
    assert "4999" in str(e.value)
