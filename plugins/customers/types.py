"""Plain value types other plugins return from the customers hooks."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class CustomerPanel:
    """A block another plugin adds to the customer page (finance: balance and
    credit; dealers: orders and samples).  ``template`` is rendered with
    ``context`` (plain data, no ORM objects) plus ``customer_id``."""

    title: Any
    template: str
    context: dict = field(default_factory=dict)
    sequence: int = 100
