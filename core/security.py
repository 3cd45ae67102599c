"""Password hashing, safe redirects and response security headers."""
from __future__ import annotations

import os
from urllib.parse import unquote, urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# argon2id with the library's defaults; QUDAO_FAST_HASH=1 (the test suite
# only) picks the cheapest parameters so thousands of test users stay fast.
_hasher = PasswordHasher()
_fast_hasher = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)


def _h() -> PasswordHasher:
    return _fast_hasher if os.environ.get("QUDAO_FAST_HASH") == "1" else _hasher

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def hash_password(password: str) -> str:
    return _h().hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _h().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _h().check_needs_rehash(stored)


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-site relative paths: refuses ``//evil``, ``/\\evil``,
    ``https://evil``, ``javascript:`` and their encoded forms."""
    if not target:
        return default
    t = target.strip()
    if any(ord(c) < 32 for c in t) or "\\" in t:
        return default
    parts = urlsplit(t)
    if parts.scheme or parts.netloc:
        return default
    if not t.startswith("/") or t.startswith("//"):
        return default
    decoded = unquote(t)
    if decoded.startswith("//") or "\\" in decoded or urlsplit(decoded).netloc:
        return default
    return t


def set_security_headers(response, secure: bool):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if secure:
        h.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response
