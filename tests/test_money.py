"""Amounts as a contract prints them: figures with separators, Chinese
capitals per the People's Bank rules, dates in both languages."""
from datetime import date, datetime
from decimal import Decimal

import pytest

from core.dates import format_date
from core.money import capitals, figures


@pytest.mark.parametrize("amount,words", [
    ("0", "零元整"),
    ("0.00", "零元整"),
    ("0.05", "伍分"),
    ("0.50", "伍角"),
    ("0.15", "壹角伍分"),
    ("10", "壹拾元整"),  # 壹拾, as on cheques (see core/money.py)
    ("10.01", "壹拾元零壹分"),
    ("100.00", "壹佰元整"),
    ("100.10", "壹佰元零壹角"),
    ("110", "壹佰壹拾元整"),
    ("1010", "壹仟零壹拾元整"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("12,345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("100000", "壹拾万元整"),
    ("1001000", "壹佰万零壹仟元整"),
    ("1,000,000.00", "壹佰万元整"),
    ("100010000", "壹亿零壹万元整"),
    ("100,000,001.01", "壹亿零壹元零壹分"),
    ("1000000000000", "壹万亿元整"),
    ("-12345.67", "负壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("-0.05", "负伍分"),
])
def test_capitals(amount, words):
    assert capitals(amount) == words


def test_capitals_round_half_up_to_the_fen_and_take_decimals_and_ints():
    assert capitals(Decimal("0.005")) == "壹分"
    assert capitals(Decimal("2.994")) == "贰元玖角玖分"
    assert capitals(7) == "柒元整"


def test_capitals_refuse_floats_and_junk():
    with pytest.raises(TypeError):
        capitals(0.1 + 0.2)
    with pytest.raises(ValueError):
        capitals("十二元")
    with pytest.raises(ValueError):
        capitals(Decimal("NaN"))


@pytest.mark.parametrize("amount,text", [
    (Decimal("12345.6"), "12,345.60"), ("1234567.891", "1,234,567.89"), (0, "0.00"),
    (Decimal("-0.001"), "0.00"), (Decimal("-9876.5"), "-9,876.50"), (None, ""), ("", ""),
])
def test_figures(amount, text):
    assert figures(amount) == text


def test_dates_in_both_languages():
    d = date(2026, 1, 5)
    assert format_date(d, "zh_CN", "long") == "2026年1月5日"
    assert format_date(d, "en", "long") == "5 January 2026"
    assert format_date(d, "en") == format_date(d, "zh_CN") == "2026-01-05"
    # a datetime is a stored UTC timestamp, shown in the company zone (Beijing)
    assert format_date(datetime(2026, 12, 31, 0, 5), "zh_CN", "long") == "2026年12月31日 08:05"
    assert format_date(None) == ""


def test_page_filters_use_the_same_helpers(app):
    tmpl = app.jinja_env.from_string("{{ a|money }} {{ a|capitals }} {{ d|date('long') }}")
    with app.test_request_context():
        assert tmpl.render(a=Decimal("12345.67"), d=date(2026, 3, 1)) == \
            "12,345.67 壹万贰仟叁佰肆拾伍元陆角柒分 2026年3月1日"
