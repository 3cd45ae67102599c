"""One company time zone (issue 21): ``core.timezone`` (default
Asia/Shanghai) is the zone of every date and time shown and the calendar of
"today", whatever the server's zone.  The clock is frozen at 23:30 UTC —
07:30 the next morning in Beijing, the hour at which a UTC server used to
date the day's business on the previous day."""
from __future__ import annotations

import ast
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import lxml.html
import pytest
from werkzeug.datastructures import MultiDict

from core import clock
from core.dates import format_date

ROOT = Path(__file__).resolve().parent.parent
UTC_DAY = datetime.now(timezone.utc).date()
LATE = datetime.combine(UTC_DAY, time(23, 30))  # naive UTC, as stored


@pytest.fixture(autouse=True)
def _zone_back():
    yield
    clock.set_zone(clock.DEFAULT_ZONE)


def test_today_follows_the_company_calendar_not_the_server():
    with clock.frozen(LATE):
        assert clock.today() == UTC_DAY + timedelta(days=1)
        assert clock.now() == datetime.combine(UTC_DAY + timedelta(days=1), time(7, 30))
        assert clock.utcnow() == LATE
        clock.set_zone("UTC")
        assert clock.today() == UTC_DAY
        clock.set_zone("America/New_York")
        assert clock.today() == UTC_DAY
    with pytest.raises(ValueError):
        clock.set_zone("Mars/Olympus")


def test_a_stored_timestamp_is_shown_in_the_zone_and_a_typed_time_as_typed():
    stamp = datetime(2026, 3, 2, 2, 17)  # approved at 10:17 Beijing time, stored in UTC
    assert format_date(stamp) == "2026-03-02 10:17"
    assert format_date(stamp, "en", "long") == "2 March 2026 10:17"
    assert format_date(stamp, wall=True) == "2026-03-02 02:17"
    assert format_date(datetime(2026, 3, 1, 20, 0)) == "2026-03-02 04:00"  # the next day
    assert format_date(stamp, tz="UTC") == "2026-03-02 02:17"
    assert format_date(date(2026, 3, 2)) == "2026-03-02"  # dates are not moved


def _settings_form(html: str) -> MultiDict:
    for form in lxml.html.fromstring(html).forms:
        if form.xpath(".//input[starts-with(@name, 'loaded:')]"):
            return MultiDict(form.form_values())
    raise AssertionError("no settings form")


def test_pages_show_times_in_the_company_zone_and_say_which(app):
    c = app.test_client()
    with clock.frozen(datetime(2026, 3, 2, 2, 17)):
        c.login("admin")
    html = c.get("/admin/users").get_data(as_text=True)
    assert "2026-03-02 10:17" in html and "02:17" not in html
    assert "日期和时间均为公司时区 Asia/Shanghai。" in html
    # The admin moves the company to UTC on the settings page.
    form = _settings_form(c.get("/admin/settings").get_data(as_text=True))
    assert form["core.timezone"] == "Asia/Shanghai"
    form["core.timezone"] = "UTC"
    form["reason"] = "总部迁往伦敦"
    assert c.post("/admin/settings", data=form).status_code == 302
    html = c.get("/admin/users").get_data(as_text=True)
    assert "2026-03-02 02:17" in html and "10:17" not in html
    assert "日期和时间均为公司时区 UTC。" in html
    form = _settings_form(c.get("/admin/settings").get_data(as_text=True))
    form["core.timezone"] = "Mars/Olympus"
    form["reason"] = "x"
    assert c.post("/admin/settings", data=form).status_code == 400


def test_no_module_reads_the_server_clock():
    """``clock.today()`` and ``clock.now()`` are the server's zone: every
    module asks ``core.clock`` (tests may freeze it)."""
    found = []
    for top in ("core", "plugins"):
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "tests" in rel.parts or rel == Path("core/clock.py"):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name)
                        and (node.func.value.id, node.func.attr) in {
                            ("date", "today"), ("datetime", "now"), ("datetime", "today"),
                            ("datetime", "utcnow")}
                        and not (node.func.attr == "now" and node.args)):
                    found.append(f"{rel}:{node.lineno}")
    assert found == []
