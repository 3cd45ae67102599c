"""Demo data for the Shanghai boutique's key-account department (runs after
customers and finance).  Everything goes through the services, so the demo
obeys the same rules as a user."""
from __future__ import annotations


def load(session, context) -> None:
    pass
