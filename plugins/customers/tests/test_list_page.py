"""The customer list's table and count: what each row shows (the cells are
computed in the view, the owner's name comes from the same query), and the
capped count, which for a user who sees every customer and searches only is
read from the search index alone (SQLite)."""
from datetime import date

from core.models import User
from plugins.customers.models import Customer
from plugins.customers.services.master import create_customer

from .conftest import login
from core import clock


def _make(db, owner, name, kind="general", **fields):
    c = create_customer(db, name=name, kind=kind, org_unit_id=owner.org_unit_id,
                        owner_id=owner.id, **fields)
    db.commit()
    return c


def _list(client, **args):
    resp = client.get("/customers/", query_string=args)
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def _row(html, code):
    """The table row of the customer with ``code``."""
    at = html.index(f">{code}</a>")
    return html[html.rindex("<tr>", 0, at):html.index("</tr>", at)]


def test_row_shows_link_kind_grade_status_region_owner_and_last_visit(app, db, client, people):
    s1 = people["sales1"]
    db.get(User, s1.id).full_name = "王小明"
    db.commit()
    graded = _make(db, s1, "杭州<b>永利</b>&电器", kind="member", province="浙江省",
                   city="杭州市", county="萧山区", town="")
    graded.grade, graded.grade_override = "A", "A"
    graded.grade_override_reason = '老客户 "重点"'
    graded.status, graded.last_visit_on = "active", date(2026, 10, 5)
    plain = _make(db, s1, "宁波恒通家电城")
    db.commit()
    login(client, "sales1")
    html = _list(client)

    row = _row(html, graded.code)
    assert f'<a href="/customers/{graded.id}">{graded.code}</a>' in row
    assert (f'<a href="/customers/{graded.id}">杭州&lt;b&gt;永利&lt;/b&gt;&amp;电器</a>'
            in row)  # escaped, linked
    assert "<td>会员客户</td>" in row  # the kind's label from the other plugin
    assert '<span class="tag cu-grade cu-grade-a">A</span>' in row
    assert 'title="老客户 &#34;重点&#34;">手工指定</span>' in row  # a manual grade and why
    assert '<span class="tag ok">正式客户</span>' in row
    assert "<td>浙江省 杭州市 萧山区</td>" in row
    assert "<td>王小明</td>" in row
    assert "2026-10-05" in row

    row = _row(html, plain.code)
    assert f'<a href="/customers/{plain.id}">宁波恒通家电城</a>' in row
    assert "手工指定" not in row and '<span class="muted">—</span>' in row  # not graded
    assert '<span class="tag ">潜在客户</span>' in row
    assert "从未" in row  # never visited
    assert "<td>王小明</td>" in row


def test_a_customer_without_owner_is_listed(app, db, client, people):
    c = _make(db, people["sales1"], "杭州无主电器")
    c.owner_id = None
    db.commit()
    client.login("admin")
    row = _row(_list(client, q="无主"), c.code)
    assert "杭州无主电器" in row and "<td></td>" in row


def test_count_for_a_user_who_sees_everything_follows_deletes(app, db, client, people,
                                                               monkeypatch):
    """The admin's count of a search comes from the index: it must lose the
    customers deleted since, and the other filters and the scope must still
    narrow it."""
    from plugins.customers.views import customers as views

    s1, other = people["sales1"], people["manager2"]
    mine = [_make(db, s1, f"杭州永利电器{i}号店") for i in range(3)]
    theirs = _make(db, other, "杭州永昌电器商行", kind="member")
    _make(db, s1, "宁波恒通家电城")
    client.login("admin")
    assert "共 4 个客户" in _list(client, q="杭州")
    assert "共 3 个客户" in _list(client, q="永利电器")
    assert "共 4 个客户" in _list(client, q="电器")
    assert "共 1 个客户" in _list(client, q="杭州", kind="member")

    db.delete(db.get(Customer, mine[0].id))
    db.commit()
    html = _list(client, q="杭州")
    assert "共 3 个客户" in html and mine[0].code not in html and theirs.code in html

    monkeypatch.setattr(views, "COUNT_CAP", 2)
    html = _list(client, q="杭州")
    assert "共 2+ 个客户" in html
    assert all(c.code in html for c in (*mine[1:], theirs))

    login(client, "sales1")  # sees only their own two
    html = _list(client, q="杭州")
    assert "共 2 个客户" in html and theirs.code not in html


def test_many_matches_keep_ignoring_latin_case(app, db, client, people, monkeypatch):
    """Past the count's cap the page tests each row with LIKE when the search
    has no cased letter (PostgreSQL), ILIKE otherwise."""
    from plugins.customers.views import customers as views

    monkeypatch.setattr(views, "COUNT_CAP", 1)
    s1 = people["sales1"]
    upper = _make(db, s1, "ABC电器一号店")
    lower = _make(db, s1, "abc电器二号店")
    other = _make(db, s1, "宁波恒通家电城")
    login(client, "sales1")
    for q in ("Abc", "abc电器", "电器", "号店"):
        html = _list(client, q=q)
        assert "共 1+ 个客户" in html, q
        assert upper.code in html and lower.code in html and other.code not in html, q


def test_kept_statements_give_each_user_and_search_their_own_rows(app, db, client, people):
    """The list keeps its statements per scope and filter shape; the values
    (whose customers, which text, which kind, which day) are the request's."""
    s1, s2 = people["sales1"], people["sales2"]
    hz1 = _make(db, s1, "杭州永利电器商行", province="浙江省")
    nb1 = _make(db, s1, "宁波永利电器商行", kind="member", province="浙江省")
    hz2 = _make(db, s2, "杭州恒通家电城", province="安徽省")
    nb2 = _make(db, s2, "宁波恒通家电城", kind="member", province="安徽省")
    nb2.last_visit_on = clock.today()
    db.commit()
    everyone = {c.code for c in (hz1, nb1, hz2, nb2)}
    for _ in range(2):  # the second round runs on kept statements
        for user, expect in [
            ("sales1", {"杭州": hz1, "宁波": nb1, "永利电器商行": None}),
            ("sales2", {"杭州": hz2, "宁波": nb2, "恒通家电城": None}),
        ]:
            login(client, user)
            for q, only in expect.items():
                html = _list(client, q=q)
                shown = {code for code in everyone if code in html}
                mine = {hz1.code, nb1.code} if user == "sales1" else {hz2.code, nb2.code}
                assert shown == ({only.code} if only else mine), (user, q)
            html = _list(client, kind="member")
            assert {code for code in everyone if code in html} == (
                {nb1.code} if user == "sales1" else {nb2.code})
            html = _list(client, last_visit="within7")
            assert {code for code in everyone if code in html} == (
                set() if user == "sales1" else {nb2.code})
            html = _list(client)
            assert ('<option value="浙江省"' in html) == (user == "sales1")
            assert ('<option value="安徽省"' in html) == (user == "sales2")
