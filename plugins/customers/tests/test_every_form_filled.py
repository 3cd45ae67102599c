"""Every data-entry form of the customers pages, posted as a user fills it:
every field it shows filled with a plausible, valid value (an e-mail address,
a phone number, a date, a ticked box, the first real option of a list).  Each
must save (a redirect), never answer 500 — issue 21 #1: a contact with an
e-mail address was a 500 because WTForms' ``Email`` validator needs a package
that is not a dependency."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from plugins.customers.models import Contact, Customer, Evaluation, FollowUp, ManCheck, Visit

from .conftest import login, uscc_code


class _Forms(HTMLParser):
    """The POST forms of a page: [{"action": str, "fields": [(tag, attrs, options)]}]."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action"), "fields": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag in ("input", "textarea") and a.get("name"):
            self._form["fields"].append((tag, a, []))
        elif tag == "select" and a.get("name"):
            self._select = (tag, a, [])
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select[2].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


#: Values a user would type, by field name (the rest by input type).
BY_NAME = {
    "email": "li.lei@example.com", "phone": "13753754840", "wechat": "lilei_2026",
    "licence_no": None, "tax_no": None, "period": None, "tags": "重点,华东",
    "transaction": "4", "profitability": "3", "safety": "5", "growth": "2", "cooperation": "4",
    "province": "浙江省", "city": "杭州市", "county": "萧山区", "town": "瓜沥镇",
    "region_code": "330109",
}
BY_TYPE = {"date": "2026-05-12", "datetime-local": "2026-05-12T09:30", "number": "3",
           "email": "li.lei@example.com", "tel": "13753754840"}


def _fill(form, extra):
    data: dict = {}
    for tag, a, options in form["fields"]:
        name, kind = a["name"], (a.get("type") or "text").lower()
        if name in extra:
            data[name] = extra[name]
        elif kind == "hidden":
            data[name] = a.get("value", "")
        elif kind in ("checkbox", "radio"):
            data.setdefault(name, a.get("value", "y"))
        elif kind in ("submit", "button", "file"):
            continue
        elif a.get("value"):  # an edit form: what is there stays filled
            data[name] = a["value"]
        elif tag == "select":
            real = [o for o in options if o]
            data[name] = real[0] if real else ""
        elif name in BY_NAME and BY_NAME[name] is not None:
            data[name] = BY_NAME[name]
        elif kind in BY_TYPE:
            data[name] = BY_TYPE[kind]
        else:
            data[name] = f"填写的{name}"
    return data


def _post_every_form(client, url, extra=None, db=None):
    html = client.get(url)
    assert html.status_code == 200, url
    parser = _Forms()
    parser.feed(html.get_data(as_text=True))
    [form] = [f for f in parser.forms if not f["action"] or f["action"] == url]
    data = _fill(form, extra or {})
    resp = client.post(url, data=data)
    assert resp.status_code in (302, 303), (url, resp.status_code,
                                     re.findall(r'<ul class="errors"><li>([^<]+)|class="flash[^"]*"[^>]*>([^<]+)', resp.get_data(as_text=True)))
    if db is not None:
        db.rollback()  # the test's session sees what the request saved
    return data


def test_every_customers_form_saves_with_every_field_filled(app, client, db, people):
    login(client, "manager")
    data = _post_every_form(client, "/customers/new",
                            {"licence_no": uscc_code(71), "tax_no": "330100123456789",
                             "name": "萧山恒通家电"}, db=db)
    c = db.query(Customer).filter_by(name="萧山恒通家电").one()
    assert (c.phone, c.legal_person) == ("13753754840", data["legal_person"])

    _post_every_form(client, f"/customers/{c.id}/edit", {"notes": "改过的备注"}, db=db)
    assert db.get(Customer, c.id).notes == "改过的备注"

    _post_every_form(client, f"/customers/{c.id}/contacts/new", {"name": "董磊"}, db=db)
    contact = db.query(Contact).filter_by(customer_id=c.id).one()
    assert (contact.email, contact.phone, contact.birthday.isoformat()) == (
        "li.lei@example.com", "13753754840", "2026-05-12")
    _post_every_form(client, f"/customers/contacts/{contact.id}/edit",
                     {"email": "dong.lei@example.com.cn"}, db=db)
    assert db.get(Contact, contact.id).email == "dong.lei@example.com.cn"

    _post_every_form(client, f"/customers/{c.id}/man", db=db)
    assert db.query(ManCheck).filter_by(customer_id=c.id).one().outcome == "pursue"

    _post_every_form(client, f"/customers/{c.id}/evaluate", {"period": "2026-Q2"}, db=db)
    assert db.query(Evaluation).filter_by(customer_id=c.id).one().period == "2026-Q2"

    _post_every_form(client, f"/customers/{c.id}/followups/new", db=db)
    assert db.query(FollowUp).filter_by(customer_id=c.id).one().due_on.isoformat() == "2026-05-12"

    _post_every_form(client, f"/customers/{c.id}/visits/new", db=db)
    visit = db.query(Visit).filter_by(customer_id=c.id).one()
    _post_every_form(client, f"/customers/visits/{visit.id}/record",
                     {"time_in": "2026-05-12T09:30", "time_out": "2026-05-12T10:45",
                      "next_visit_on": "2026-05-15", "followup_due": "2026-05-20"}, db=db)
    assert db.get(Visit, visit.id).state == "done"


def test_no_form_uses_a_validator_whose_package_is_missing():
    """WTForms' Email() raises at validation without ``email_validator``:
    no plugin's form may use it unless the package is installed."""
    import importlib.util
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    users = [str(p) for p in (root / "plugins").rglob("*.py") if "/tests/" not in str(p)
             and re.search(r"^[^#\n]*\bEmail\(", p.read_text(encoding="utf-8"), re.M)]
    users += [str(p) for p in (root / "core").rglob("*.py")
              if re.search(r"^[^#\n]*\bEmail\(", p.read_text(encoding="utf-8"), re.M)]
    assert users == [] or importlib.util.find_spec("email_validator") is not None, users
