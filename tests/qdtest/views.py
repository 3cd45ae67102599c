from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from core import access
from core.sequences import next_number
from core.web.decorators import permission_required
from core.web.request import db_session, get_or_404, scoped_select

from .models import Note

bp = Blueprint("qdtest", __name__, url_prefix="/qdtest", template_folder="templates")


@bp.route("/")
@permission_required("qdtest.view")
def index():
    notes = db_session().execute(scoped_select(Note).order_by(Note.id)).scalars().all()
    return render_template("qdtest/index.html", notes=notes)


@bp.route("/<int:note_id>")
@permission_required("qdtest.view")
def detail(note_id):
    return render_template("qdtest/detail.html", note=get_or_404(Note, note_id))


@bp.route("/new", methods=["POST"])
@permission_required("qdtest.edit")
def create():
    title = (request.form.get("title") or "").strip()
    if not title:
        abort(400)
    s = db_session()
    note = Note(title=title, number=next_number(s, "qdtest.note"),
                org_unit_id=current_user.org_unit_id, owner_id=current_user.id)
    s.add(note)
    s.commit()
    return redirect(url_for("qdtest.detail", note_id=note.id))


@bp.route("/<int:note_id>/edit", methods=["POST"])
@permission_required("qdtest.edit")
def edit(note_id):
    note = get_or_404(Note, note_id, access.EDIT)
    note.title = (request.form.get("title") or note.title).strip()
    db_session().commit()
    return redirect(url_for("qdtest.detail", note_id=note.id))
