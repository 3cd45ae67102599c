"""Password hashing, safe redirects and response security headers."""
from __future__ import annotations

import os
import secrets
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.datastructures import Headers

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


@lru_cache(maxsize=2)
def _dummy_hash(hasher: PasswordHasher) -> str:
    return hasher.hash(secrets.token_hex(16))


def verify_password(stored: str | None, password: str) -> bool:
    """Does ``password`` match ``stored``?  ``stored`` None (no such user)
    verifies against a dummy hash and answers False in the same time, so
    the answer's speed does not tell who has an account (issue 20)."""
    hasher = _h()
    try:
        if stored is None:
            hasher.verify(_dummy_hash(hasher), password)
            return False
        return hasher.verify(stored, password)
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


#: The headers every response carries, in the order they are added.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000")
_SECURE_HEADERS = SECURITY_HEADERS + (HSTS,)
_NAMES = frozenset(k.lower() for k, _v in _SECURE_HEADERS)


def set_security_headers(response, secure: bool):
    """Add the security headers a view did not set itself.  One pass over
    the response's headers (not one scan per header): a view that set one
    of them (a looser CSP for one page, say) keeps its own value."""
    h = response.headers
    wanted = _SECURE_HEADERS if secure else SECURITY_HEADERS
    present = {k.lower() for k, _v in h}
    if not present.isdisjoint(_NAMES):
        wanted = [(k, v) for k, v in wanted if k.lower() not in present]
    items = getattr(h, "_list", None)
    if type(h) is Headers and type(items) is list:
        # Werkzeug's ``Headers`` keeps (name, value) pairs in ``_list``;
        # ``extend`` would check each of these constant values for
        # newlines again on every response.
        items.extend(wanted)
    else:
        h.extend(wanted)
    return response
