"""Long documents are laid out in parts, at the same time, and joined
(core/documents/paging.py, pool.py, assemble.py): the user gets the same
pages as from one layout — same rows on the same pages, page n of N on
every page, fonts embedded, the document number in the metadata."""
import io
import re
import subprocess

import pytest
from pypdf import PdfReader

from core.documents import issue, read_pdf
from core.documents.paging import (MAX_PARALLEL_ROWS, MAX_PART_ROWS, page_starts, parallel,
                                   plan_parts, text_width)
from core.registry import Paging
from qddocs import helpers
from qddocs.plugin import CUSTOMER, PAGED_ITEMS, paged_context
from qddocs.models import Sheet  # noqa: F401  (its table must exist)


@pytest.fixture
def app_config():
    return {**helpers.CONFIG, "PDF_PROCESSES": 2}


def _pages(data: bytes) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages]


COUNTER = re.compile(r"第\s*\d+\s*页\s*/\s*共\s*\d+\s*页")


def _lines(page: str) -> list[str]:
    """A page's text lines without the page number, spaces dropped, sorted:
    the joined document draws the page number last, on a line of its own,
    where one layout draws it beside the document number."""
    page = COUNTER.sub("", page)
    return sorted(re.sub(r"\s+", "", line) for line in page.splitlines() if line.strip())


def _issue_paged(app, db, rows):
    sheet_id = helpers.make_sheet(app, "admin", title="分页", rows=rows)
    user = helpers.user(db, "admin")
    doc = issue(db, "qddocs.paged", sheet_id, user)
    db.commit()
    return doc, read_pdf(db, doc), sheet_id, user


def _whole(app, db, doc, sheet_id, user, locale="zh_CN"):
    """The same document laid out in one piece, in this process."""
    renderer = app.extensions["qudao"].pdf
    context = {**paged_context(db, sheet_id, user),
               "doc": {"spec": "qddocs.paged", "number": doc.number, "title": doc.title,
                       "issued_at": doc.issued_at, "issued_on": doc.issued_at.date(),
                       "issuer": user.display_name, "record_id": str(sheet_id)},
               "company": {"name": "渠道示范有限公司", "address": "", "phone": "",
                           "tax_number": "", "logo": None},
               "lang": "zh-CN"}
    from core.dates import local_time

    context["doc"]["issued_on"] = local_time(doc.issued_at, "Asia/Shanghai").date()
    return renderer.html_to_pdf(renderer.whole_html("qddocs/pdf/paged.html", context, locale))


def test_a_document_laid_out_in_parts_has_the_pages_of_one_layout(app, db):
    doc, data, sheet_id, user = _issue_paged(app, db, rows=150)
    parts = _pages(data)
    whole = _pages(_whole(app, db, doc, sheet_id, user))
    assert len(parts) == len(whole) >= 5
    for n, (a, b) in enumerate(zip(parts, whole), 1):
        assert _lines(a) == _lines(b), f"page {n} differs"
    total = len(parts)
    for n, page in enumerate(parts, 1):
        assert page.count(f"第 {n} 页 / 共 {total} 页") == 1
        assert "渠道示范有限公司" in page  # the letterhead on every page
    text = "\n".join(parts)
    assert text.count(CUSTOMER) == 1  # the fields: first page only
    assert text.count("人民币") == 1  # the total: after the last row only
    for i in range(1, 151):
        assert re.search(rf"(^|\n){i} ", text), f"row {i} is missing"


def test_the_joined_pdf_keeps_fonts_embedded_and_the_number_in_the_metadata(app, db, tmp_path):
    doc, data, _sheet, _user = _issue_paged(app, db, rows=120)
    path = tmp_path / "joined.pdf"
    path.write_bytes(data)
    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta.subject == doc.number
    assert meta.title == f"{doc.title} {doc.number}"
    # poppler lists the fonts of the laid-over page numbers too
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True,
                         text=True).stdout.splitlines()[2:]
    assert len(out) >= 3
    for line in out:
        name, emb, sub = line.split()[0], line.split()[-5], line.split()[-4]
        assert (emb, sub) == ("yes", "yes"), line
        assert helpers.SUBSET.match(name), line


def test_english_page_numbers_on_a_joined_document(app, db):
    sheet_id = helpers.make_sheet(app, "admin", title="分页", rows=100)
    doc = issue(db, "qddocs.paged", sheet_id, helpers.user(db, "admin"), locale="en")
    db.commit()
    pages = _pages(read_pdf(db, doc))
    assert len(pages) >= 4
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]


@pytest.mark.parametrize("processes", [0, 1])
def test_without_render_processes_a_long_document_is_laid_out_part_by_part(app, db, processes):
    app.extensions["qudao"].pdf.processes = processes
    rows = MAX_PART_ROWS + 60
    doc, data, _sheet, _user = _issue_paged(app, db, rows=rows)
    pages = _pages(data)
    assert f"第 {len(pages)} 页 / 共 {len(pages)} 页" in pages[-1]
    text = "\n".join(pages)
    assert re.search(rf"(^|\n){rows} ", text) and text.count("人民币") == 1


# -- the plan ----------------------------------------------------------------
PAGING = Paging("lines", first_page=4, per_page=6, wrap={"item": 10})


def test_text_width_counts_chinese_as_one_and_latin_as_about_half():
    assert text_width("翡翠") == 2
    assert text_width("ABCD") == pytest.approx(2.2)
    assert text_width("") == 0


def test_pages_break_before_the_row_that_no_longer_fits():
    short = {"item": "金"}
    long = {"item": "金" * 15}  # two lines: counts 1.7 rows
    assert page_starts([short] * 10, PAGING) == [4]
    assert page_starts([short] * 16, PAGING) == [4, 10]
    assert page_starts([long] * 6, PAGING) == [2, 5]


def test_parts_are_cut_only_where_a_page_starts_and_stay_small():
    starts = page_starts([{"item": "金"}] * 1000, PAGING)
    for processes in (0, 1, 2, 4):
        parts = plan_parts(1000, starts, processes)
        assert parts[0][0] == 0 and parts[-1][1] == 1000
        assert all(a in starts for a, _ in parts[1:])
        assert all(b == a2 for (_, b), (a2, _) in zip(parts, parts[1:]))
        if processes < 2:
            assert all(b - a <= MAX_PART_ROWS for a, b in parts)
        else:  # one part per render process, of about equal size
            assert len(parts) == processes
            assert all(abs((b - a) - 1000 / processes) <= 6 for a, b in parts)
    assert plan_parts(30, starts, 2) == [(0, 30)]  # short: one layout


def test_very_long_documents_are_laid_out_part_by_part_in_one_process():
    assert parallel(100, 2) and parallel(MAX_PARALLEL_ROWS, 2)
    assert not parallel(MAX_PARALLEL_ROWS + 1, 2) and not parallel(100, 1)
    starts = page_starts([{"item": "金"}] * 5000, PAGING)
    parts = plan_parts(5000, starts, 1)
    assert len(parts) >= 5000 / MAX_PART_ROWS and all(b - a <= MAX_PART_ROWS for a, b in parts)


def test_items_of_the_test_sheet_wrap_as_the_test_expects():
    assert [max(1, -(-int(text_width(i)) // 12)) for i in PAGED_ITEMS] == [1, 2, 3]


def test_render_processes_are_replaced_after_a_number_of_parts(app, db, monkeypatch):
    from core.documents import pool

    monkeypatch.setattr(pool, "MAX_TASKS", 2)
    renderer = app.extensions["qudao"].pdf
    first = []
    for rows in (100, 110):
        _doc, data, _sheet, _user = _issue_paged(app, db, rows=rows)
        pages = _pages(data)
        assert f"第 {len(pages)} 页 / 共 {len(pages)} 页" in pages[-1]
        first.append(renderer._pool._executor)
    assert first[0] is not first[1]  # 2 parts each: the second document got a new pool
    renderer.close()
    assert renderer._pool._executor is None


def test_without_render_processes_the_parts_are_laid_out_here(app, db, monkeypatch):
    from core.documents import pool

    def no_processes(self, tasks):
        raise OSError("no /dev/shm")

    monkeypatch.setattr(pool.RenderPool, "_get", no_processes)
    _doc, data, _sheet, _user = _issue_paged(app, db, rows=100)
    pages = _pages(data)
    assert f"第 {len(pages)} 页 / 共 {len(pages)} 页" in pages[-1]
    assert app.extensions["qudao"].pdf.processes == 0
