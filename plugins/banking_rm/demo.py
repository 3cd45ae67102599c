"""Demo data for the Nanjing branch (runs after customers).  Everything goes
through the services, so the demo obeys the same rules as a user.  One
function per area, called in order: the people and customers first."""
from __future__ import annotations


def load(session, context) -> None:
    clients = load_clients(session, context)
    load_activity(session, context, clients)
    load_care(session, context, clients)


def load_clients(session, context) -> list:
    """The branch's people (head, lobby manager, two tellers, three wealth
    managers; in ``context["bank_people"]``) and ~300 retail customers with
    profiles, households and holdings (returns their Customer rows)."""
    from .demo_clients import load_clients as _load

    return _load(session, context)


def load_activity(session, context, clients) -> None:
    """A quarter of 5-20-30 activity, stage moves, spot checks, referrals,
    campaigns and evening meetings."""
    from .demo_activity import load as load_activity_demo

    load_activity_demo(session, context, clients)


def load_care(session, context, clients) -> None:
    """Maturities in the coming month, care tasks, check-ups, plans, gifts."""
    from .demo_care import load_care as _load_care

    _load_care(session, context, clients)
