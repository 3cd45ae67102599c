"""Business rules of the finance plugin, one module per concern.  No Flask
imports; every function takes the session first; callers commit."""

from typing import Any

from sqlalchemy.orm import Session


def settings_of(session: Session, key: str) -> Any:
    """A finance setting (declared in ``plugin.register_settings``)."""
    from core import settings

    return settings.get(session, key)
