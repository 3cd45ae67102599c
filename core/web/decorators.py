"""View decorators: sign-in and permission checks."""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app
from flask_login import login_required

from .request import can, signed_in


def permission_required(code: str):
    """Login plus one permission; 403 otherwise.  The code is kept on the
    view as ``required_permission``."""

    def deco(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not signed_in().is_authenticated:
                return current_app.login_manager.unauthorized()
            if not can(code):
                abort(403)
            return view(*args, **kwargs)

        # What the route demands, for the pages that show its buttons (and the
        # test that checks every POST form shown is one its user may send).
        wrapped.required_permission = code
        return wrapped

    return deco


# Views import both decorators from here; sign-in is Flask-Login's own.
__all__ = ["login_required", "permission_required"]
