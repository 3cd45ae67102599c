"""View decorators: sign-in and permission checks."""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app
from flask.globals import _cv_request
from flask_login import login_required as _flask_login_required
from flask_login.config import EXEMPT_METHODS as LOGIN_EXEMPT_METHODS

from .request import can, signed_in


def login_required(view):
    """Flask-Login's ``login_required`` (same rules: OPTIONS and
    ``LOGIN_DISABLED`` pass, anyone not signed in gets the login manager's
    ``unauthorized()``), with the request, app and user read once instead
    of through a proxy for every check."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        ctx = _cv_request.get(None)
        if ctx is None:  # as Flask-Login: its proxies raise outside a request
            return _flask_login_required(view)(*args, **kwargs)
        app = ctx.app
        if ctx.request.method in LOGIN_EXEMPT_METHODS or app.config.get("LOGIN_DISABLED"):
            pass
        elif not signed_in().is_authenticated:
            return app.login_manager.unauthorized()
        return app.ensure_sync(view)(*args, **kwargs)

    return wrapped


def permission_required(code: str):
    """Login plus one permission; 403 otherwise."""

    def deco(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not signed_in().is_authenticated:
                return current_app.login_manager.unauthorized()
            if not can(code):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return deco
