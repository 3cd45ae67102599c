"""Demo data for the Shanghai boutique's key-account department (runs after
customers and finance).  Everything goes through the services, so the demo
obeys the same rules as a user.  One function per area, called in order:
the accounts first, then what happens to them."""
from __future__ import annotations


def load(session, context) -> None:
    accounts = load_accounts(session, context)
    load_pieces(session, context, accounts)
    load_visits(session, context, accounts)
    load_events(session, context, accounts)


def load_accounts(session, context) -> list:
    """~60 key accounts across kinds and stages (returns their Customer rows)."""
    from .demo_accounts import load_accounts as _load

    return _load(session, context)


def load_pieces(session, context, accounts) -> None:
    """Pieces, gold prices, reservations, sales, custom orders, after-sale services."""
    from .demo_pieces import load_pieces as _load

    _load(session, context, accounts)


def load_visits(session, context, accounts) -> None:
    """Development plans, visits, receptions and expense claims."""
    from .demo_development import load as load_development

    load_development(session, context, accounts)


def load_events(session, context, accounts) -> None:
    """Events with invitations and attendance, walk-ins, important dates."""
    from .demo_followups import load_followups

    load_followups(session, context, accounts)
