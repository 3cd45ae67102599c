"""Configuration from environment variables (see README, "Configuration")."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path


def _secret_key(data_dir: Path) -> str:
    """Use QUDAO_SECRET_KEY, else a key generated once and kept in the data dir."""
    key = os.environ.get("QUDAO_SECRET_KEY")
    if key:
        return key
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # Written aside, then linked into place: several gunicorn workers starting
    # at once agree on one key and never read a half-written file.
    tmp = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    try:
        os.link(tmp, path)
    except FileExistsError:
        key = path.read_text().strip()
    finally:
        tmp.unlink()
    return key


def load_config(overrides: dict | None = None) -> dict:
    overrides = dict(overrides or {})
    data_dir = Path(
        overrides.get("DATA_DIR") or os.environ.get("QUDAO_DATA_DIR") or "instance"
    ).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    cfg = {
        "DATA_DIR": str(data_dir),
        "DATABASE_URL": os.environ.get("QUDAO_DATABASE_URL")
        or f"sqlite:///{data_dir / 'qudao.db'}",
        "REDIS_URL": os.environ.get("QUDAO_REDIS_URL") or None,
        # Reverse proxies in front of the app (nginx: 1). Only then are
        # X-Forwarded-For / -Proto believed: client IPs for login throttling,
        # https for Secure cookies.
        "PROXIES": int(os.environ.get("QUDAO_PROXIES") or 0),
        "MAX_CONTENT_LENGTH": 32 * 1024 * 1024,
        "ATTACHMENT_MAX_BYTES": 10 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "zh_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        # Failed sign-ins: a client (account + address) gets LOGIN_FREE_FAILURES
        # tries, then waits LOGIN_DELAY_SECONDS, doubling with each further
        # failure up to LOGIN_MAX_DELAY_SECONDS; an address gets
        # LOGIN_MAX_FAILURES_IP failures across accounts before the same
        # waits.  Failures older than LOGIN_WINDOW_SECONDS are forgotten.
        "LOGIN_FREE_FAILURES": 3,
        "LOGIN_DELAY_SECONDS": 2,
        "LOGIN_MAX_DELAY_SECONDS": 15 * 60,
        "LOGIN_MAX_FAILURES_IP": 20,
        "LOGIN_WINDOW_SECONDS": 60 * 60,
        # A signed-in session ends SESSION_LIFETIME_HOURS after sign-in, or
        # after SESSION_IDLE_MINUTES without a request (0: no idle limit).
        "SESSION_LIFETIME_HOURS": float(os.environ.get("QUDAO_SESSION_LIFETIME_HOURS") or 12),
        "SESSION_IDLE_MINUTES": int(os.environ.get("QUDAO_SESSION_IDLE_MINUTES") or 120),
        "JOB_WORKERS": 2,
        # Processes that lay out the parts of a long PDF at the same time
        # (core/documents/pool.py); 0 or 1 = in the requesting process.
        "PDF_PROCESSES": int(os.environ.get("QUDAO_PDF_PROCESSES")
                             or min(os.cpu_count() or 1, 4)),
        "PLUGINS": None,  # None = all installed; a list restricts (tests)
    }
    cfg.update(overrides)
    # The signed cookie itself is refused after the session's lifetime.
    cfg.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=cfg["SESSION_LIFETIME_HOURS"]))
    if "SECRET_KEY" not in cfg:
        cfg["SECRET_KEY"] = _secret_key(data_dir)
    return cfg
