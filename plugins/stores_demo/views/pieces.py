"""Pieces (list, detail, create and edit; reserve, release, sell) and the
daily gold price table."""
from __future__ import annotations

from datetime import date, timedelta

from flask import abort, render_template, request
from flask_babel import gettext as _
from core.i18n import _l
from flask_login import current_user
from sqlalchemy import func, select

from core import versions
from core.access import EDIT
from core.web.actions import back, page_arg, run_action as run
from core.web.decorators import permission_required
from core.web.pickers import picked
from core.web.request import can, db_session
from plugins.customers.api import get_customer

from ..declarations import ORDERS, PIECES, VIEW
from ..models.pieces import METALS, PIECE_STATES, PRICINGS, StoresDemoGoldPrice, StoresDemoPiece
from ..services import pieces as svc
from . import bp
from core import clock

#: The record picker's kind for any customer (declared by the customers plugin).
CUSTOMER = "customers.customer"

PAGE = 50
SORTS = {
    "sku": StoresDemoPiece.sku,
    "-created": StoresDemoPiece.id.desc(),
    "weight": StoresDemoPiece.net_weight,
    "-weight": StoresDemoPiece.net_weight.desc(),
    "price": StoresDemoPiece.tag_price,
    "-price": StoresDemoPiece.tag_price.desc(),
}


def piece_or_404(piece_id: int) -> StoresDemoPiece:
    # Pieces are the store's shared stock (access.py): any user of the plugin sees them.
    p = db_session().get(StoresDemoPiece, piece_id)
    if p is None:
        abort(404)
    return p


def customer_or_404(raw, action: str = EDIT):
    """The customer a form chose with the record picker (code or id), one
    the user may ``action``; else a 404 page saying so."""
    return picked(CUSTOMER, raw, action)


@bp.route("/pieces")
@permission_required(VIEW)
def pieces():
    s = db_session()
    state = request.args.get("state", "")
    metal = request.args.get("metal", "")
    sort = request.args.get("sort", "-created")
    q = (request.args.get("q") or "").strip()[:40]
    stmt = select(StoresDemoPiece)
    if state in PIECE_STATES:
        stmt = stmt.where(StoresDemoPiece.state == state)
    if metal in METALS:
        stmt = stmt.where(StoresDemoPiece.metal == metal)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(StoresDemoPiece.sku.ilike(like) | StoresDemoPiece.name.ilike(like)
                          | StoresDemoPiece.certificate_no.ilike(like))
    order = SORTS.get(sort, SORTS["-created"])
    page = page_arg()
    rows = s.execute(stmt.order_by(order, StoresDemoPiece.id.desc())
                     .offset((page - 1) * PAGE).limit(PAGE + 1)).scalars().all()
    counts = dict(s.execute(select(StoresDemoPiece.state, func.count()).group_by(StoresDemoPiece.state)).all())
    today = clock.today()
    prices = dict(s.execute(select(StoresDemoGoldPrice.metal, StoresDemoGoldPrice.price_per_gram)
                            .where(StoresDemoGoldPrice.day == today)).all())
    return render_template("stores_demo/pieces_list.html", pieces=rows[:PAGE], has_next=len(rows) > PAGE,
                           page=page, state=state, metal=metal, sort=sort, q=q, states=PIECE_STATES,
                           metals=METALS, counts=counts, prices=prices, can_edit=can(PIECES))


def _form_data() -> dict:
    return {k: request.form.get(k) for k in svc.FIELDS}


@bp.route("/pieces/new", methods=["GET", "POST"])
@permission_required(PIECES)
def piece_new():
    if request.method == "POST":
        piece, ok = run(svc.save_piece, None, _form_data(), current_user, ok=_("Piece saved."))
        if ok:
            return back("stores_demo.piece", piece_id=piece.id)
    return render_template("stores_demo/pieces_form.html", piece=None, data=request.form,
                           metals=METALS, pricings=PRICINGS)


@bp.route("/pieces/<int:piece_id>/edit", methods=["GET", "POST"])
@permission_required(PIECES)
def piece_edit(piece_id: int):
    p = piece_or_404(piece_id)
    status = 200
    if request.method == "POST":
        _r, ok = versions.run_edit(p, svc.save_piece, p, _form_data(), current_user,
                                   ok=_("Piece saved."), fields=_piece_fields())
        if ok is True:
            return back("stores_demo.piece", piece_id=p.id)
        data = request.form
        status = 409 if ok == versions.CONFLICT else 200
    else:
        data = {k: ("" if getattr(p, k) is None else getattr(p, k)) for k in svc.FIELDS}
    return render_template("stores_demo/pieces_form.html", piece=p, data=data, metals=METALS,
                           pricings=PRICINGS, fields=_piece_fields()), status


@versions.form_fields(StoresDemoPiece)
def _piece_fields() -> list:
    return [("sku", _("SKU"), lambda p: p.sku), ("name", _("Name"), lambda p: p.name),
            ("metal", _("Metal and purity"), lambda p: p.metal),
            ("gross_weight", _("Gross weight (g)"), lambda p: p.gross_weight),
            ("net_weight", _("Net weight (g)"), lambda p: p.net_weight),
            ("certificate_no", _("Certificate number"), lambda p: p.certificate_no),
            ("tag_price", _("Tag price"), lambda p: p.tag_price),
            ("labour_fee", _("Labour fee"), lambda p: p.labour_fee)]


@bp.route("/pieces/<int:piece_id>")
@permission_required(VIEW)
def piece(piece_id: int):
    s = db_session()
    p = piece_or_404(piece_id)
    # Whose piece it is shows only to those who may see that account.
    holder = get_customer(s, p.customer_id, current_user) if p.customer_id else None
    can_act = can(ORDERS)
    return render_template("stores_demo/pieces_detail.html", p=p, holder=holder,
                           price=svc.price_of(s, p), per_gram=svc.gold_price(s, p.metal, clock.today()),
                           can_act=can_act,
                           can_edit=can(PIECES))


@bp.route("/pieces/<int:piece_id>/reserve", methods=["POST"])
@permission_required(ORDERS)
def piece_reserve(piece_id: int):
    p = piece_or_404(piece_id)
    c = customer_or_404(request.form.get("customer_id"))
    run(svc.reserve, p.id, c.id, current_user, ok=_("Piece reserved."))
    return back("stores_demo.piece", piece_id=p.id)


@bp.route("/pieces/<int:piece_id>/release", methods=["POST"])
@permission_required(ORDERS)
def piece_release(piece_id: int):
    p = piece_or_404(piece_id)
    if p.customer_id:  # only someone who may act for the account lets its reservation go
        customer_or_404(p.customer_id)
    run(svc.release, p.id, current_user, ok=_("Reservation released."))
    return back("stores_demo.piece", piece_id=p.id)


@bp.route("/pieces/<int:piece_id>/sell", methods=["POST"])
@permission_required(ORDERS)
def piece_sell(piece_id: int):
    p = piece_or_404(piece_id)
    c = customer_or_404(request.form.get("customer_id") or p.customer_id)
    run(svc.sell, p.id, c.id, current_user, price_raw=request.form.get("price"),
        ok=_("Piece sold and invoiced."))
    return back("stores_demo.piece", piece_id=p.id)


# -- the daily gold price table ------------------------------------------------
@bp.route("/gold-prices", methods=["GET", "POST"])
@permission_required(VIEW)
def gold_prices():
    s = db_session()
    if request.method == "POST":
        if not can(PIECES):
            abort(403)
        run(svc.set_gold_price, day_raw=request.form.get("day"), metal_raw=request.form.get("metal"),
            price_raw=request.form.get("price"), user=current_user, ok=_("Gold price saved."))
        return back("stores_demo.gold_prices")
    today = clock.today()
    days = [today - timedelta(days=i) for i in range(30)]
    rows = s.execute(select(StoresDemoGoldPrice).where(StoresDemoGoldPrice.day >= days[-1])).scalars().all()
    table = {(r.day, r.metal): r.price_per_gram for r in rows}
    used = [m for m in METALS if any(k[1] == m for k in table)] or list(METALS[:3])
    return render_template("stores_demo/gold_prices.html", days=days, metals=used, all_metals=METALS,
                           table=table, today=today, can_edit=can(PIECES))


#: Labels of the codes stored in pieces, custom orders and after-sale rows.
LABELS = {
    "in_stock": _l("In stock"), "reserved": _l("Reserved"), "sold": _l("Sold"),
    "in_repair": _l("In repair"), "traded_in": _l("Traded in"),
    "tag": _l("Tag price"), "weight": _l("By weight × day's gold price + labour"),
    "brief": _l("Brief"), "design_approved": _l("Design approved"), "production": _l("Production"),
    "qc": _l("Quality check"), "ready": _l("Ready"), "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
    "cleaning": _l("Cleaning"), "maintenance": _l("Maintenance"), "repair": _l("Repair"),
    "appraisal": _l("Appraisal"), "trade_in": _l("Trade-in"), "buy_back": _l("Buy-back"),
    "intake": _l("Taken in"), "approved": _l("Approved by the customer"), "returned": _l("Returned"),
    "done": _l("Done"),
}


@bp.app_template_global("sd_piece_label")
def piece_label(code) -> str:
    return str(LABELS.get(code, code or ""))


@bp.app_template_global("sd_pdf_locale")
def pdf_locale() -> str:
    # The document service wants "zh_CN" / "en" (Babel spells Chinese "zh_Hans_CN").
    from flask_babel import get_locale

    return "en" if str(get_locale() or "").startswith("en") else "zh_CN"
