"""The machine and software versions a result was measured with."""
from __future__ import annotations

import os
import platform
import re
import sqlite3
import subprocess
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .load import wrk_version


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
        m = re.search(r"^model name\s*:\s*(.+)$", text, re.M)
        if m:
            return m.group(1).strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gib() -> str:
    try:
        m = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
        if m:
            return f"{int(m.group(1)) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _pkg(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def chromium_version(path: str = "/usr/bin/chromium") -> str:
    if not os.path.exists(path):
        return "not installed"
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def postgres_version(url: str | None) -> str:
    if not url:
        return "not used"
    try:
        from sqlalchemy import create_engine, text

        eng = create_engine(url)
        with eng.connect() as c:
            v = c.execute(text("SHOW server_version")).scalar()
        eng.dispose()
        return str(v)
    except Exception as e:  # noqa: BLE001 - reported, not fatal
        return f"unreachable ({type(e).__name__})"


def load_average() -> str:
    """The 1-minute load average: on a shared machine, anything far above
    the core count means the numbers of that run are noisy."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "unknown"


def now_utc() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def describe(pg_url: str | None) -> dict[str, str]:
    return {
        "date": now_utc(),
        "cpu": _cpu_model(),
        "cores": str(os.cpu_count()),
        "ram": _ram_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": postgres_version(pg_url),
        "weasyprint": _pkg("weasyprint"),
        "chromium": chromium_version(),
        "playwright": _pkg("playwright"),
        "flask": _pkg("flask"),
        "sqlalchemy": _pkg("sqlalchemy"),
        "gunicorn": _pkg("gunicorn"),
        "rq": _pkg("rq"),
        "wrk": wrk_version(),
    }
