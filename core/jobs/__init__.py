"""Background jobs with progress (issue 3, scope 5).

``create(session, kind, owner, params)`` + commit + ``dispatch(ext, id)``
starts one; ``ext.jobs`` is the runner (threads, or RQ with Redis).
"""
from .models import DONE, FAILED, QUEUED, RUNNING, Job
from .service import capacity, create, dispatch, finish, job_dir, result_file, visible

__all__ = ["Job", "QUEUED", "RUNNING", "DONE", "FAILED", "capacity", "create", "dispatch",
           "finish", "job_dir", "result_file", "visible"]


def install(app) -> None:
    """Give the app its job runner and mount the job pages."""
    from .runner import make_runner
    from .views import bp

    app.extensions["qudao"].jobs = make_runner(app)
    app.register_blueprint(bp)
