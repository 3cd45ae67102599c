"""Unified social credit code (统一社会信用代码), GB 32100-2015.

18 characters from a 31-character alphabet (digits and capitals without
I, O, Z, S, V); characters 3–8 are the administrative division code (digits);
the 18th is a check character: ``31 - (Σ value·weight mod 31)``, 31 → 0.
"""
from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {c: i for i, c in enumerate(ALPHABET)}
_ALLOWED = frozenset(ALPHABET)
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_char(first17: str) -> str:
    total = sum(map(int.__mul__, map(VALUES.__getitem__, first17), WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    return (code or "").strip().upper()


def problem(code: str) -> str | None:
    """None when valid, else a short English reason (the caller translates)."""
    code = normalise(code)
    if len(code) != 18:
        return "length"
    if not _ALLOWED.issuperset(code):
        return "characters"
    if not code[2:8].isdigit():
        return "division"
    if check_char(code[:17]) != code[17]:
        return "checksum"
    return None


def is_valid(code: str) -> bool:
    return problem(code) is None


def make(first17: str) -> str:
    """Complete 17 characters with their check character (demo data, tests)."""
    first17 = normalise(first17)
    return first17 + check_char(first17)
