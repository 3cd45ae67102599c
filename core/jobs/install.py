"""``install(app)``: the app's job runner and the job pages (called once by
``core.app.create_app``)."""
from __future__ import annotations

from .runner import make_runner
from .views import bp


def install(app) -> None:
    """Give the app its job runner and mount the job pages."""
    app.extensions["qudao"].jobs = make_runner(app)
    app.register_blueprint(bp)
