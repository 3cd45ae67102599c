"""Issuing apart (``core.documents.service.issue_apart``, what batch jobs
use): the PDF renders while no write lock is held, so another writer goes
on meanwhile; numbers stay gapless and every PDF carries its row's number,
even when another issue took the number it was rendered with; a render
that fails leaves nothing behind.  On SQLite and PostgreSQL."""
import pytest
from sqlalchemy import func, select, text

from core.db import _immediate, set_immediate
from core.documents import IssuedDocument, service
from core.models import Sequence, User
from core.services import ServiceError
from qddocs import helpers
from qddocs.models import Sheet  # noqa: F401  (its table must exist)


@pytest.fixture
def app_config():
    return helpers.CONFIG


@pytest.fixture
def as_a_job():
    """Sessions begin as a job's do (BEGIN IMMEDIATE on SQLite)."""
    token = set_immediate(True)
    yield
    _immediate.reset(token)


def _admin_id(app) -> int:
    with app.extensions["qudao"].db.session() as s:
        return helpers.user(s, "admin").id


def _impatient_session(ext):
    """A session on its own connection that fails at once instead of
    waiting for a lock another transaction holds."""
    conn = ext.db.engine.connect()
    if ext.db.is_sqlite:
        conn.connection.dbapi_connection.execute("PRAGMA busy_timeout=0")
    else:
        conn.exec_driver_sql("SET lock_timeout = '1ms'")
        conn.commit()
    return conn, ext.db.Session(bind=conn)


def _numbers(app) -> list[str]:
    with app.extensions["qudao"].db.session() as s:
        return sorted(s.scalars(select(IssuedDocument.number)
                                .where(IssuedDocument.spec == "qddocs.statement")))


def _pdf_text(app, doc_id) -> str:
    with app.extensions["qudao"].db.session() as s:
        return helpers.pdftotext(service.read_pdf(s, s.get(IssuedDocument, doc_id)))


def test_another_writer_is_not_blocked_while_a_document_renders(app, as_a_job):
    """While the first sheet renders, a second sheet is issued (numbered,
    rendered, archived, committed) by a writer that will not wait for any
    lock.  The first then finds its expected number taken and is rendered
    again with the next one: both PDFs show their own row's number."""
    ext = app.extensions["qudao"]
    first, second = helpers.make_sheet(app, "admin", "先"), helpers.make_sheet(app, "admin", "后")
    admin_id = _admin_id(app)
    real = ext.pdf.render
    seen = {"renders": 0, "other": None}

    def render(template, context, locale):
        seen["renders"] += 1
        if seen["other"] is None:
            seen["other"] = "running"
            token = set_immediate(True)  # a writer: BEGIN IMMEDIATE on SQLite
            conn, s = _impatient_session(ext)
            try:
                doc = service.issue(s, "qddocs.statement", second, s.get(User, admin_id))
                s.commit()
                seen["other"] = doc.number
            finally:
                s.close()
                conn.close()
                _immediate.reset(token)
        return real(template, context, locale)

    ext.pdf.render = render
    try:
        doc_id = service.issue_apart(ext.db.session, "qddocs.statement", first, admin_id,
                                     locale="zh_CN").id
    finally:
        ext.pdf.render = real
    year_numbers = _numbers(app)
    assert len(year_numbers) == 2 and year_numbers[0].endswith("00001")
    assert year_numbers[1].endswith("00002")
    assert seen["other"] == year_numbers[0]  # the other writer went first
    with ext.db.session() as s:
        mine = s.get(IssuedDocument, doc_id)
        assert mine.number == year_numbers[1] and mine.record_id == str(first)
    assert year_numbers[1] in _pdf_text(app, doc_id)
    assert seen["renders"] == 3  # first (guess), the other's, first again (its number)


def test_uncontended_issue_apart_renders_once_with_the_next_number(app, as_a_job):
    ext = app.extensions["qudao"]
    sheet = helpers.make_sheet(app, "admin")
    real, calls = ext.pdf.render, []

    def render(template, context, locale):
        calls.append(context["doc"]["number"])
        return real(template, context, locale)

    ext.pdf.render = render
    try:
        ids = [service.issue_apart(ext.db.session, "qddocs.statement", sheet, _admin_id(app)).id
               for _ in range(2)]
    finally:
        ext.pdf.render = real
    assert len(calls) == 2 and calls == _numbers(app)
    assert calls[1] in _pdf_text(app, ids[1])


def test_a_failed_render_takes_no_number_and_leaves_no_row(app, as_a_job):
    ext = app.extensions["qudao"]
    bad, good = helpers.make_sheet(app, "admin", "FAIL 不能打印"), helpers.make_sheet(app, "admin")
    with pytest.raises(ServiceError):
        service.issue_apart(ext.db.session, "qddocs.statement", bad, _admin_id(app))
    with ext.db.session() as s:
        assert s.scalar(select(func.count(IssuedDocument.id))) == 0
        assert not s.scalar(select(func.max(Sequence.last_value)))
    service.issue_apart(ext.db.session, "qddocs.statement", good, _admin_id(app))
    assert [n[-5:] for n in _numbers(app)] == ["00001"]


def test_the_writing_transaction_adds_what_the_caller_records(app, as_a_job):
    """``then`` runs in the archive row's transaction; if it refuses, the
    row is not kept (and its number is given back)."""
    ext = app.extensions["qudao"]
    sheet = helpers.make_sheet(app, "admin")

    def refuse(s, row):
        assert row.id and s.get(IssuedDocument, row.id) is row
        s.execute(text("SELECT 1"))
        raise service.DocumentError("changed meanwhile")

    with pytest.raises(service.DocumentError):
        service.issue_apart(ext.db.session, "qddocs.statement", sheet, _admin_id(app), then=refuse)
    assert _numbers(app) == []
    service.issue_apart(ext.db.session, "qddocs.statement", sheet, _admin_id(app))
    assert [n[-5:] for n in _numbers(app)] == ["00001"]
