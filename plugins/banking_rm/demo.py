"""Demo data for the Nanjing branch (runs after customers).  Everything goes
through the services, so the demo obeys the same rules as a user."""
from __future__ import annotations


def load(session, context) -> None:
    pass
