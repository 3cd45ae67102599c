"""Document numbers are gapless per key and year, also under concurrent use
(16 threads stand for 16 requests in different workers)."""
import threading
from datetime import date

import pytest

from core.sequences import next_number, next_value
from qdtest.models import Note  # noqa: F401  (its table must exist)
from core import clock

THREADS = 16
CALLS = 8


@pytest.fixture
def app_config():
    return {"EXTRA_PLUGINS": ["qdtest.plugin"]}


def test_numbers_follow_the_declared_pattern(app):
    db = app.extensions["qudao"].db
    with db.session() as s:
        assert next_number(s, "qdtest.note", date(2026, 3, 1)) == "N/2026/0001"
        assert next_number(s, "qdtest.note", date(2026, 12, 31)) == "N/2026/0002"
        assert next_number(s, "qdtest.note", date(2027, 1, 1)) == "N/2027/0001"


def test_undeclared_sequence_is_an_error(app):
    with app.extensions["qudao"].db.session() as s, pytest.raises(KeyError):
        next_number(s, "qdtest.nothing")


def test_a_rolled_back_number_is_given_out_again(app):
    db = app.extensions["qudao"].db
    with db.session() as s:
        assert next_value(s, "qdtest.note", 2026) == 1
    s = db.Session()
    assert next_value(s, "qdtest.note", 2026) == 2
    s.rollback()
    s.close()
    with db.session() as s:
        assert next_value(s, "qdtest.note", 2026) == 2


def test_concurrent_callers_get_every_number_exactly_once(app):
    db = app.extensions["qudao"].db
    start = threading.Barrier(THREADS)
    committed: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def work(t: int):
        try:
            start.wait(timeout=60)
            for i in range(CALLS):
                s = db.Session()
                try:
                    number = next_number(s, "qdtest.note", date(2026, 6, 1))
                    if (t + i) % 4 == 0:  # an abandoned document: its number comes back
                        s.rollback()
                        continue
                    s.commit()
                    with lock:
                        committed.append(number)
                finally:
                    s.close()
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    assert errors == []
    expected_commits = sum(1 for t in range(THREADS) for i in range(CALLS) if (t + i) % 4)
    assert len(committed) == expected_commits
    assert sorted(committed) == [f"N/2026/{n:04}" for n in range(1, expected_commits + 1)]
    with db.session() as s:
        assert next_number(s, "qdtest.note", date(2026, 6, 1)) == f"N/2026/{expected_commits + 1:04}"


def test_no_sequence_is_opened_for_a_year_outside_the_date_window(app):
    """Issue 20: a payment dated 9999-12-31 opened year-9999 numbering."""
    from sqlalchemy import func, select

    from core.datewindow import DateOutOfRange
    from core.models import Sequence
    from core.sequences import next_numbers

    db = app.extensions["qudao"].db
    this_year = clock.today().year
    with db.session() as s:
        with pytest.raises(DateOutOfRange, match="9999"):
            next_number(s, "qdtest.note", date(9999, 12, 31))
        with pytest.raises(DateOutOfRange):
            next_value(s, "qdtest.note", this_year - 11)
        with pytest.raises(DateOutOfRange):
            next_numbers(s, "qdtest.note", 3, date(this_year + 2, 1, 1))
        assert s.scalar(select(func.count()).select_from(Sequence)) == 0
        assert next_value(s, "qdtest.note", this_year - 10) == 1
        assert next_value(s, "qdtest.note", this_year + 1) == 1
