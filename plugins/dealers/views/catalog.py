"""Products and price lists."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from core import versions
from core.web.decorators import permission_required
from core.web.request import can, db_session
from core.web.actions import back, run_action as run
from plugins.customers.api import kind_label

from ..labels import state_label
from ..models import DealerPriceList, DealerPriceListItem, DealerProduct
from ..models.catalog import CATEGORIES, PRODUCT_STATUSES
from ..models.network import DEALER_KINDS
from ..declarations import CATALOG, VIEW
from ..services import catalog as svc
from . import bp
from .common import posted_product, product_or_404


@bp.route("/products")
@permission_required(VIEW)
def products():
    s = db_session()
    status = request.args.get("status") or ""
    stmt = select(DealerProduct).order_by(DealerProduct.active.desc(), DealerProduct.category, DealerProduct.model)
    if status in PRODUCT_STATUSES:
        stmt = stmt.where(DealerProduct.status == status)
    return render_template("dealers/products.html", products=s.execute(stmt).scalars().all(),
                           status=status, statuses=PRODUCT_STATUSES, categories=CATEGORIES,
                           can_edit=can(CATALOG))


@bp.route("/products/new", methods=["POST"])
@permission_required(CATALOG)
def product_new():
    run(svc.save_product, None, ok=_("Saved."), **_product_form())
    return back("dealers.products")


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
@permission_required(VIEW)
def product(product_id: int):
    p = product_or_404(product_id)
    status = 200
    if request.method == "POST":
        if not can(CATALOG):
            abort(403)
        _res, ok = versions.run_edit(p, svc.save_product, p, ok=_("Saved."), fields=_product_fields(),
                                  **_product_form())
        if ok != versions.CONFLICT:
            return back("dealers.product", product_id=p.id)
        status = 409
    return render_template("dealers/product.html", p=p, statuses=PRODUCT_STATUSES,
                           categories=CATEGORIES, can_edit=can(CATALOG)), status


@versions.form_fields(DealerProduct)
def _product_fields() -> list:
    labels = {c: state_label(c) for c in CATEGORIES + PRODUCT_STATUSES}
    return [("model", _("Model"), lambda p: p.model), ("name", _("Name"), lambda p: p.name),
            ("category", _("Category"), lambda p: p.category, labels),
            ("list_price", _("List price (suggested retail)"), lambda p: p.list_price),
            ("floor_price", _("Floor price (最低限价)"), lambda p: p.floor_price),
            ("status", _("Status"), lambda p: p.status, labels),
            ("active", _("Still on sale"), lambda p: bool(p.active))]


def _product_form() -> dict:
    f = request.form
    return {"model": f.get("model", ""), "name": f.get("name", ""), "category": f.get("category", ""),
            "list_price": f.get("list_price"), "floor_price": f.get("floor_price"),
            "status": f.get("status", ""), "active": "active" in f or "active_present" not in f}


@bp.route("/price-lists")
@permission_required(VIEW)
def price_lists():
    s = db_session()
    rows = s.execute(select(DealerPriceList).order_by(DealerPriceList.active.desc(), DealerPriceList.valid_from.desc())).scalars().all()
    return render_template("dealers/price_lists.html", lists=rows, kinds=_kinds(s), can_edit=can(CATALOG))


@bp.route("/price-lists/new", methods=["POST"])
@permission_required(CATALOG)
def price_list_new():
    pl, ok = run(svc.save_price_list, None, ok=_("Saved."), **_pl_form())
    if ok:
        return back("dealers.price_list", price_list_id=pl.id)
    return back("dealers.price_lists")


@bp.route("/price-lists/<int:price_list_id>", methods=["GET", "POST"])
@permission_required(VIEW)
def price_list(price_list_id: int):
    s = db_session()
    pl = s.get(DealerPriceList, price_list_id) or abort(404)
    status = 200
    if request.method == "POST":
        if not can(CATALOG):
            abort(403)
        _res, ok = versions.run_edit(pl, svc.save_price_list, pl, ok=_("Saved."),
                                     fields=_price_list_fields(), **_pl_form())
        if ok != versions.CONFLICT:
            return back("dealers.price_list", price_list_id=pl.id)
        status = 409
    return render_template("dealers/price_list.html", pl=pl, kinds=_kinds(s),
                           can_edit=can(CATALOG)), status


@versions.form_fields(DealerPriceList)
def _price_list_fields() -> list:
    kinds = dict(_kinds(db_session()))
    return [("name", _("Name"), lambda r: r.name),
            ("dealer_kind", _("Dealer kind"), lambda r: r.dealer_kind, {"": _("All kinds"), **kinds}),
            ("valid_from", _("Valid from"), lambda r: r.valid_from),
            ("valid_to", _("Valid to"), lambda r: r.valid_to),
            ("active", _("Active"), lambda r: bool(r.active))]


@bp.route("/price-lists/<int:price_list_id>/items", methods=["POST"])
@permission_required(CATALOG)
def price_set(price_list_id: int):
    s = db_session()
    pl = s.get(DealerPriceList, price_list_id) or abort(404)
    product = posted_product(request.form.get("product_id"))
    run(svc.set_price, pl, product, request.form.get("price"), ok=_("Saved."))
    return back("dealers.price_list", price_list_id=pl.id)


@bp.route("/price-lists/<int:price_list_id>/items/<int:item_id>/delete", methods=["POST"])
@permission_required(CATALOG)
def price_remove(price_list_id: int, item_id: int):
    s = db_session()
    item = s.get(DealerPriceListItem, item_id)
    if item is None or item.price_list_id != price_list_id:
        abort(404)
    run(svc.remove_price, item, ok=_("Removed."))
    return back("dealers.price_list", price_list_id=price_list_id)


def _pl_form() -> dict:
    f = request.form
    return {"name": f.get("name", ""), "valid_from": f.get("valid_from"), "valid_to": f.get("valid_to"),
            "dealer_kind": f.get("dealer_kind") or None, "note": f.get("note"),
            "active": "active" in f or "active_present" not in f}


def _kinds(s):
    return [(k, kind_label(s, k)) for k in DEALER_KINDS]
