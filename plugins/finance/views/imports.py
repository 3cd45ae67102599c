"""Opening balances import (go-live): upload, all-or-nothing, row report."""
from __future__ import annotations

from flask import abort, flash, render_template, request, send_file
from flask_babel import gettext as _
from flask_login import current_user

from core import jobs, spreadsheets
from core.services import ServiceError
from core.web.actions import back
from core.web.decorators import permission_required
from core.web.request import db_session

from ..services import imports as svc
from . import bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _limits() -> dict:
    return {"limits": svc.file_limits(), "background": spreadsheets.IMPORT_BACKGROUND_ROWS}


@bp.route("/opening-balances", methods=["GET", "POST"])
@permission_required("finance.import")
def opening_import():
    if request.method == "GET":
        return render_template("finance/opening_import.html", **_limits(), errors=None,
                               result=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        abort(400)
    s = db_session()
    try:
        with spreadsheets.spooled(upload.stream, svc.file_limits()) as fh:
            job = svc.start_opening_import(s, fh, current_user)
            if job is not None:  # a big file: posted in the background
                s.commit()
                jobs.dispatch(s.ext, job.id)
                flash(_("The file is large: it is imported in the background."), "success")
                return back("jobs.detail", job_id=job.id)
            result = svc.import_opening(s, fh, user=current_user)
        s.commit()
    except svc.ImportFailed as e:
        s.rollback()
        flash(str(e), "error")
        return render_template("finance/opening_import.html", **_limits(), errors=e.errors,
                               result=None), 422
    except ServiceError as e:
        s.rollback()
        flash(str(e), "error")
        return render_template("finance/opening_import.html", **_limits(), errors=None,
                               result=None), 422
    flash(_("Imported %(n)s opening balance(s).", n=result["rows"]), "success")
    return render_template("finance/opening_import.html", **_limits(), errors=None, result=result)


@bp.route("/opening-balances/template.xlsx")
@permission_required("finance.import")
def opening_template():
    from io import BytesIO

    return send_file(BytesIO(svc.template()), as_attachment=True,
                     download_name="opening-balances.xlsx", mimetype=XLSX)
