"""A generated PDF really carries the Chinese text (searchable, copyable),
with every font embedded and subset, the letterhead, page x of y, the
number and the amount in capitals."""
import io
import re

import pytest
from pypdf import PdfReader

from core import settings
from core.documents import issue, read_pdf
from qddocs import helpers
from qddocs.plugin import CUSTOMER, ROW_TEXT, TITLE
from qddocs.models import Sheet  # noqa: F401  (its table must exist)


@pytest.fixture
def app_config():
    return helpers.CONFIG


def _issue(app, db, username="admin", rows=3, locale=None, title="测试单据"):
    sheet_id = helpers.make_sheet(app, username, title=title, rows=rows)
    doc = issue(db, "qddocs.statement", sheet_id, helpers.user(db, username), locale=locale)
    db.commit()
    return doc, read_pdf(db, doc)


def test_text_extracted_from_the_pdf_equals_the_chinese_source(app, db):
    settings.set(db, "core.company_address", "浙江省杭州市西湖区文三路 90 号")
    settings.set(db, "core.company_tax_number", "91330100MA2B3C4D5E")
    db.commit()
    doc, data = _issue(app, db, rows=3)
    assert doc.number and re.fullmatch(r"DZD/\d{4}/00001", doc.number)
    for text in (helpers.pdftotext(data), helpers.pypdf_text(data)):
        lines = [line.strip() for line in text.splitlines()]
        assert TITLE in lines
        assert "渠道示范有限公司" in lines
        assert any(CUSTOMER in line for line in lines)
        assert sum(ROW_TEXT in line for line in lines) == 3
        assert "浙江省杭州市西湖区文三路 90 号" in text
        assert "91330100MA2B3C4D5E" in text
        assert "壹万贰仟叁佰肆拾伍元陆角柒分" in text
        assert "12,345.67" in text
        # poppler drops the spaces between CJK glyphs; pypdf keeps them
        assert "第1页/共1页" in re.sub(r"\s+", "", text)
        assert doc.number in text
    assert "第 1 页 / 共 1 页" in helpers.pypdf_text(data)


def test_every_font_is_embedded_and_subset(app, db):
    _doc, data = _issue(app, db, rows=5)
    found = helpers.fonts(data)
    assert found, "the PDF uses no font at all"
    for name, embedded in found.items():
        assert embedded, f"font {name} is not embedded"
        assert helpers.SUBSET.match(name), f"font {name} is not subset"


def test_long_documents_count_their_pages_in_the_footer(app, db):
    _doc, data = _issue(app, db, rows=120)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert pages >= 3
    text = helpers.pypdf_text(data)
    assert f"第 {pages} 页 / 共 {pages} 页" in text
    assert f"第 1 页 / 共 {pages} 页" in text
    # the letterhead repeats on every page
    assert text.count("渠道示范有限公司") == pages


def test_pdf_metadata_title_author_and_subject_is_the_number(app, db):
    doc, data = _issue(app, db)
    meta = PdfReader(io.BytesIO(data)).metadata
    assert meta.title == f"{TITLE} {doc.number}"
    assert meta.author == "渠道示范有限公司"
    assert meta.subject == doc.number


def test_english_documents_say_page_n_of_n(app, db):
    _doc, data = _issue(app, db, locale="en")
    text = helpers.pdftotext(data)
    assert "Page 1 of 1" in text
    assert "第 1 页" not in text
    assert CUSTOMER in text  # the data stays as entered


def test_user_data_is_escaped_not_interpreted(app, db):
    _doc, data = _issue(app, db, title='<b>粗体</b> & "引号"')
    assert '<b>粗体</b> & "引号"' in helpers.pdftotext(data)


def test_build_context_must_return_plain_data(app, db):
    from core.documents.service import plain

    with pytest.raises(TypeError, match="not plain data"):
        plain({"user": helpers.user(db, "admin")}, str)
    assert plain({"a": [1, ("x",)]}, str) == {"a": [1, ["x"]]}
