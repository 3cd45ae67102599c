"""The record picker everywhere (issue 21 item 9, issue 22 item 5): no page
writes a list of records into a <select> any more, every picker a template
draws names a kind some plugin declares, and the picker's assets are
vendored (no CDN) with their licence."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted([*ROOT.glob("core/templates/**/*.html"), *ROOT.glob("plugins/*/templates/**/*.html")])
#: A <select> whose options loop over records (customers, dealers, accounts, products).
RECORD_SELECT = re.compile(
    r"<select[^>]*>(?:(?!</select>).)*\{%\s*for\s+[^%]*\bin\s+(customers|dealers|accounts|products)\b",
    re.S)
#: Short fixed lists that stay selects: the chart of accounts (科目, a few
#: dozen rows, not scoped) and banking's product kinds (codes, not records).
KEPT = {"plugins/finance/templates/finance/accruals.html: accounts",
        "plugins/finance/templates/finance/budgets.html: accounts",
        "plugins/finance/templates/finance/entry_new.html: accounts",
        "plugins/banking_rm/templates/banking_rm/referrals_new.html: products"}
PICKER_KIND = re.compile(r"picker(?:_field)?\((?:[^,()]+,\s*)?'([a-z_]+\.[a-z_]+)'")


def test_no_template_lists_records_in_a_select():
    found = [f"{p.relative_to(ROOT)}: {m.group(1)}" for p in TEMPLATES
             for m in RECORD_SELECT.finditer(p.read_text(encoding="utf-8"))]
    assert set(found) - KEPT == set(), sorted(set(found) - KEPT)


def test_every_picker_in_a_template_is_a_declared_kind(app):
    from core.registry import PickerSpec

    specs = app.extensions["qudao"].host.all_hooks().flat("register_pickers")
    assert all(isinstance(s, PickerSpec) for s in specs)
    kinds = [s.kind for s in specs]
    assert len(kinds) == len(set(kinds))
    host = app.extensions["qudao"].host
    assert all(host.plugin_of(k) in host.manifests for k in kinds)  # named after their plugin
    used = {m.group(1) for p in TEMPLATES for m in PICKER_KIND.finditer(p.read_text(encoding="utf-8"))}
    assert used >= {"customers.customer", "dealers.dealer", "dealers.product", "stores_demo.account"}
    assert used <= set(kinds), used - set(kinds)


def test_tom_select_is_vendored_with_its_licence():
    vendor = ROOT / "core/static/vendor/tom-select"
    assert "Apache License" in (vendor / "LICENSE").read_text()
    js = (vendor / "tom-select.complete.min.js").read_text()
    assert "TomSelect" in js and "sourceMappingURL" not in js
    base = (ROOT / "core/templates/base.html").read_text()
    assert "vendor/tom-select/tom-select.complete.min.js" in base
    assert not re.search(r"https?://", base)


#: Pages whose forms choose a record, each with the picker drawn (admin).
PAGES = ["/finance/invoices/new", "/finance/credit-notes/new", "/finance/payments/new",
         "/finance/rebates/new", "/finance/statements", "/finance/ledger/new",
         "/dealers/orders/new", "/dealers/promotions", "/dealers/rebates", "/dealers/returns",
         "/dealers/samples", "/dealers/surveys", "/dealers/volumes", "/dealers/pressing",
         "/stores_demo/plans", "/stores_demo/visits", "/stores_demo/receptions",
         "/stores_demo/services/new", "/stores_demo/custom-orders/new", "/stores_demo/accounts/new",
         "/banking_rm/care", "/banking_rm/checkups", "/banking_rm/plans", "/banking_rm/gifts",
         "/banking_rm/approvals"]


def test_every_form_that_chooses_a_record_draws_the_picker(app, client):
    client.login("admin")
    problems = []
    for url in PAGES:
        resp = client.get(url)
        html = resp.get_data(as_text=True)
        if resp.status_code != 200 or 'class="picker" data-picker-url="/pick/' not in html \
                or "vendor/tom-select/tom-select.complete.min.js" not in html:
            problems.append(f"{url}: {resp.status_code}")
    assert problems == []
