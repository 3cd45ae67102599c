"""Jinja filters shared by pages and PDFs."""
from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from flask import Flask
from flask_babel import get_locale


def money(value, places: int = 2) -> str:
    """``12345.6`` → ``12,345.60``; None → empty."""
    if value is None or value == "":
        return ""
    d = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{d:,.{places}f}"


def fmt_date(value, style: str = "short") -> str:
    if value is None:
        return ""
    loc = str(get_locale() or "zh_CN")
    if isinstance(value, datetime):
        if loc.startswith("zh"):
            return value.strftime("%Y年%m月%d日 %H:%M") if style == "long" else value.strftime("%Y-%m-%d %H:%M")
        return value.strftime("%d %b %Y %H:%M") if style == "long" else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        if style == "long":
            return f"{value.year}年{value.month}月{value.day}日" if loc.startswith("zh") else value.strftime("%d %B %Y")
        return value.isoformat()
    return str(value)


def install(app: Flask) -> None:
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["date"] = fmt_date
