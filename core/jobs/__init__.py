"""Background jobs with progress (issue 3, scope 5).

``create(session, kind, owner, params)`` + commit + ``dispatch(ext, id)``
starts one; ``ext.jobs`` is the runner (threads, or RQ with Redis).
"""
from .models import DONE, FAILED, QUEUED, RUNNING, Job
from .service import capacity, create, dispatch, finish, job_dir, result_file, visible

__all__ = ["Job", "QUEUED", "RUNNING", "DONE", "FAILED", "capacity", "create", "dispatch",
           "finish", "job_dir", "result_file", "visible"]
