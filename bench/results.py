"""What a case reports: rows of summaries and the goals they are held to."""
from __future__ import annotations

from dataclasses import dataclass, field

from .stats import Summary


@dataclass(frozen=True)
class Check:
    """One goal: ``value op goal`` (e.g. ratio ≥ 0.7×, p99 ≤ 25 ms)."""

    label: str
    value: float
    op: str  # ">=" or "<="
    goal: float
    unit: str = "×"

    @property
    def passed(self) -> bool:
        return self.value >= self.goal if self.op == ">=" else self.value <= self.goal


@dataclass(frozen=True)
class Measured:
    label: str
    summary: Summary
    unit: str


@dataclass
class Row:
    case: str
    db: str
    size: str
    subject: Measured | None = None
    peer: Measured | None = None
    checks: list[Check] = field(default_factory=list)
    note: str = ""
    skipped: str | None = None
    #: The case module that produced it (set by the runner).
    key: str = ""

    @property
    def passed(self) -> bool:
        return self.skipped is None and all(c.passed for c in self.checks)


def skipped(case: str, db: str, size: str, reason: str) -> Row:
    return Row(case=case, db=db, size=size, skipped=reason)
