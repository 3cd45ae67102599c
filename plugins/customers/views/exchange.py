"""Import and export pages (the CLI runs the same functions for big files)."""
from __future__ import annotations

import io
from datetime import date

from flask import abort, flash, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from core import jobs, spreadsheets
from core.web.actions import back, run_action
from core.web.decorators import permission_required
from core.web.request import db_session
from core.web.request import scoped_select as web_scoped_select

from ..services import exchange
from ..services import export as exporting
from .. import jobs as import_jobs
from ..forms import ImportForm
from ..models import Customer
from ..declarations import EXPORT, IMPORT
from ..services.search import FILTER_KEYS, apply_filters
from . import bp
from .common import customer_or_404
from core import clock

#: Flask adds "; charset=utf-8" to text types itself.
MIMES = {"csv": "text/csv",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@bp.route("/import", methods=["GET", "POST"])
@permission_required(IMPORT)
def import_page():
    s = db_session()
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        f = form.file.data
        # The upload goes to disk in chunks, is checked by its content and
        # against the limits before anything parses it, and runs as a job
        # when it has more rows than a page should wait for.  A check-only
        # run, or a file with problems, imports nothing (rolled back).
        path = import_jobs.upload_path(s, f.filename)
        try:
            outcome, done = run_action(_upload, f, path, form.dry_run.data, keep=_worth_keeping)
        finally:
            path.unlink(missing_ok=True)
        if done and not isinstance(outcome, exchange.ImportResult):
            jobs.dispatch(s.ext, outcome.id)
            flash(_("The file is large: it is imported in the background."), "success")
            return back("jobs.detail", job_id=outcome.id)
        if done:
            result = outcome
            if result.ok and not result.dry_run:
                flash(_("%(n)s customers imported.", n=result.imported), "success")
            elif result.ok:
                flash(_("All %(n)s rows are good; nothing was imported (check only).",
                        n=result.rows), "success")
            else:
                flash(_("Nothing was imported: %(n)s problem(s) in the file.",
                        n=len(result.errors)), "error")
    return render_template("customers/import.html", form=form, result=result,
                           columns=exchange.COLUMNS, export_only=exchange.EXPORT_ONLY,
                           limits=exchange.limits(s),
                           background=spreadsheets.IMPORT_BACKGROUND_ROWS)


def _upload(s, f, path, dry_run: bool):
    """Spool the upload to ``path`` and import it now, or start a job for a
    big file: returns the ``ImportResult`` or the job."""
    spreadsheets.spool(f.stream, path, exchange.limits(s))
    if import_jobs.is_big(s, path, f.filename):
        return import_jobs.start_import(s, path, f.filename, current_user, dry_run=dry_run)
    with path.open("rb") as fh:
        return exchange.import_file(s, fh, f.filename, current_user, dry_run=dry_run)


def _worth_keeping(outcome) -> bool:
    """A started job, or a real import of a file without problems."""
    if not isinstance(outcome, exchange.ImportResult):
        return True
    return outcome.ok and not outcome.dry_run


def _send(rows, fmt: str, name: str):
    if fmt not in MIMES:
        abort(404)
    buf = io.BytesIO()
    exporting.write(rows, buf, fmt)
    buf.seek(0)
    return send_file(buf, mimetype=MIMES[fmt], as_attachment=True,
                     download_name=f"{name}-{clock.today().isoformat()}.{fmt}")


@bp.route("/export.<fmt>")
@permission_required(EXPORT)
def export(fmt):
    """The customers of the list page's filters, limited to what the user may see."""
    s = db_session()
    f = {k: request.args.get(k, "") for k in FILTER_KEYS}
    stmt = apply_filters(web_scoped_select(Customer), f, dialect=s.get_bind().dialect.name)
    shown = exporting.disclosure(s, current_user)
    resp = _send(exporting.export_rows(s, current_user, stmt, shown), fmt, "customers")
    s.commit()  # the audit row of a clear export
    return resp


@bp.route("/<int:customer_id>/export.<fmt>")
@permission_required(EXPORT)
def export_one(customer_id, fmt):
    s = db_session()
    c = customer_or_404(customer_id)
    stmt = web_scoped_select(Customer).where(Customer.id == c.id)
    shown = exporting.disclosure(s, current_user, str(c.id))
    resp = _send(exporting.export_rows(s, current_user, stmt, shown), fmt, c.code)
    s.commit()  # the audit row of a clear export
    return resp
