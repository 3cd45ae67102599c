"""Job pages: the owner's list, one job with live progress, its result."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, jsonify, render_template, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy.exc import OperationalError

from ..web.request import db_session, ext, plugin_enabled
from . import service

log = logging.getLogger(__name__)

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


def _reaped():
    """The request's session, after failing the jobs whose process ended.
    Best effort: when the database is busy (SQLite refuses a read
    transaction's late write if another writer came first) the page shows
    the jobs as they are, and the next look fails them."""
    s = db_session()
    try:
        if service.reap(s):
            s.commit()
    except OperationalError:
        s.rollback()
        log.info("jobs whose process ended not failed yet: database busy")
    return s


def _job_or_404(job_id: int):
    job = service.visible(_reaped(), job_id, current_user)
    if job is None:
        abort(404)
    spec = (job.params or {}).get("spec") if isinstance(job.params, dict) else None
    if not plugin_enabled(job.kind) or (isinstance(spec, str) and not plugin_enabled(spec)):
        abort(404)  # a disabled plugin's job (a batch of its documents) is out of reach
    return job


@bp.route("/")
@login_required
def index():
    s = _reaped()
    jobs = service.listing(s, current_user)
    return render_template("jobs/index.html", jobs=jobs,
                           parts=service.parts(s, [j.id for j in jobs]))


@bp.route("/<int:job_id>")
@login_required
def detail(job_id):
    job = _job_or_404(job_id)
    has_result = service.result_file(ext().config, job) is not None
    s = db_session()
    parent = service.visible(s, job.parent_id, current_user) if job.parent_id else None
    return render_template("jobs/detail.html", job=job, has_result=has_result, parent=parent,
                           parts=service.parts(s, [job.id]).get(job.id, []),
                           message=service.shown(job.message), error=service.shown(job.error))


@bp.route("/<int:job_id>/progress")
@login_required
def progress(job_id):
    """Polled by qudao.js (``data-progress-url``): {progress, status, message}."""
    job = _job_or_404(job_id)
    has_result = service.result_file(ext().config, job) is not None
    return jsonify({
        "id": job.id, "status": job.status, "progress": job.progress,
        "message": service.shown(job.message) or "", "error": service.shown(job.error),
        "result_url": url_for(".result", job_id=job.id) if has_result and job.finished else None,
    })


@bp.route("/<int:job_id>/result")
@login_required
def result(job_id):
    job = _job_or_404(job_id)
    path = service.result_file(ext().config, job)
    if path is None or not job.finished:
        abort(404)
    resp = send_file(path, as_attachment=True, download_name=f"job-{job.id}-{path.name}",
                     max_age=0)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
