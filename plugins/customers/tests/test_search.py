"""The list's search box over the search index (FTS5 trigrams on SQLite,
pg_trgm on PostgreSQL): names, codes and phones, Chinese of two and more
characters, Latin letters, digits; the index follows edits, deletes and
imports; a salesperson's search never reaches someone else's customer."""
import io

from sqlalchemy import select

from core.models import User
from plugins.customers.services import exchange
from plugins.customers.models import Customer
from plugins.customers.services.master import create_customer, update_customer

from .conftest import login, uscc_code
from .test_exchange import HEADER, csv_bytes, rows


def _found(client, q):
    html = client.get("/customers/", query_string={"q": q}).get_data(as_text=True)
    return html


def _make(db, owner, name, **fields):
    c = create_customer(db, name=name, kind="general", org_unit_id=owner.org_unit_id,
                        owner_id=owner.id, **fields)
    db.commit()
    return c


def test_search_by_name_code_phone_in_chinese_latin_and_digits(app, db, client, people):
    s1 = people["sales1"]
    hz = _make(db, s1, "杭州万家电器商行", phone="13912345678", tags="重点")
    sh = _make(db, s1, "上海Hengtong家电城", phone="02166667777", licence_no=uscc_code(7))
    end = _make(db, s1, "萧山临浦杭州", phone="")
    login(client, "sales1")
    for q, yes, no in [
        ("杭州", ["杭州万家电器商行", "萧山临浦杭州"], ["上海Hengtong家电城"]),  # 2 chars, also at the end
        ("万家电器", ["杭州万家电器商行"], ["上海Hengtong家电城", "萧山临浦杭州"]),
        ("hengTONG", ["上海Hengtong家电城"], ["杭州万家电器商行"]),  # Latin, any case
        ("ng", ["上海Hengtong家电城"], ["杭州万家电器商行"]),
        ("6666", ["上海Hengtong家电城"], ["杭州万家电器商行"]),  # phone digits
        ("39", ["杭州万家电器商行"], ["萧山临浦杭州"]),
        ("重点", ["杭州万家电器商行"], ["上海Hengtong家电城"]),  # tags
        ("州", ["杭州万家电器商行", "萧山临浦杭州"], ["上海Hengtong家电城"]),  # one character
        (hz.code, ["杭州万家电器商行"], ["上海Hengtong家电城"]),  # the code
        (uscc_code(7)[-6:], ["上海Hengtong家电城"], ["杭州万家电器商行"]),  # licence number
        ("杭州x", [], ["杭州万家电器商行", "萧山临浦杭州"]),
    ]:
        html = _found(client, q)
        for name in yes:
            assert name in html, (q, name)
        for name in no:
            assert name not in html, (q, name)
    assert end.code in _found(client, "杭州")


def test_search_respects_scope(app, db, client, people):
    _make(db, people["sales1"], "杭州永利电器商行")
    _make(db, people["manager2"], "杭州永昌电器商行")  # another office
    login(client, "sales1")
    for q in ("杭州", "电器商行"):
        html = _found(client, q)
        assert "杭州永利电器商行" in html and "杭州永昌电器商行" not in html
    login(client, "manager2")
    html = _found(client, "电器商行")
    assert "杭州永昌电器商行" in html and "杭州永利电器商行" not in html


def test_index_follows_edits_and_deletes(app, db, client, people):
    c = _make(db, people["sales1"], "杭州永利电器商行", phone="13800001111")
    update_customer(db, c, name="宁波恒通家电城", phone="13922223333")
    db.commit()
    login(client, "sales1")
    assert "宁波恒通家电城" in _found(client, "宁波")
    assert "宁波恒通家电城" in _found(client, "恒通家电")
    assert "宁波恒通家电城" in _found(client, "2222")
    for q in ("杭州", "永利电器", "1111"):
        assert "宁波恒通家电城" not in _found(client, q)
    db.delete(db.get(Customer, c.id))
    db.commit()
    for q in ("宁波", "恒通家电", "2222"):
        assert c.code not in _found(client, q)


def test_imported_customers_are_found(app, db, client, people):
    importer = db.scalar(select(User).where(User.username == "sales1"))
    body = rows(30)
    body[7][0] = "桐乡濮院佳美电器城"
    result = exchange.import_file(db, io.BytesIO(csv_bytes(HEADER, body)), "客户.csv", importer)
    db.commit()
    assert result.ok and result.imported == 30
    login(client, "sales1")
    assert "桐乡濮院佳美电器城" in _found(client, "濮院")
    assert "桐乡濮院佳美电器城" in _found(client, "佳美电器")
    assert "导入客户00012" in _found(client, "客户00012")
    html = _found(client, "导入")
    assert html.count("导入客户000") == 29


def test_many_matches_page_and_count(app, db, client, people, monkeypatch):
    """Past the count's cap the page is read another way; same rows, "N+"."""
    from plugins.customers.views import customers as views

    monkeypatch.setattr(views, "COUNT_CAP", 2)
    s1 = people["sales1"]
    made = [_make(db, s1, f"杭州永利电器{i}号店") for i in range(4)]
    _make(db, people["manager2"], "杭州永昌电器商行")  # out of scope
    _make(db, s1, "宁波恒通家电城")
    login(client, "sales1")
    for q in ("杭州", "永利电器", "州"):
        html = _found(client, q)
        assert "2+" in html, q
        assert all(c.code in html for c in made), q
        assert "杭州永昌电器商行" not in html and "宁波恒通家电城" not in html


def test_raw_inserts_are_indexed_by_catch_up_and_reindex(app, db, client, people):
    """A script inserting customers with raw SQL (the bench generator) calls
    catch_up(); `qudao customers reindex` rebuilds everything."""
    from sqlalchemy import insert

    from core.cli import main
    from plugins.customers.services import searchindex

    s1 = people["sales1"]
    conn = db.connection()
    conn.execute(insert(Customer.__table__).values(
        code="C-RAW1", name="嘉兴秀洲宏达五金", kind="general", status="prospect", tags="",
        province="", city="", county="", town="", address="", phone="", legal_person="",
        org_unit_id=s1.org_unit_id, owner_id=s1.id))
    searchindex.catch_up(conn)
    db.commit()
    login(client, "sales1")
    assert "嘉兴秀洲宏达五金" in _found(client, "宏达五金")
    assert "嘉兴秀洲宏达五金" in _found(client, "秀洲")
    res = app.test_cli_runner().invoke(main, ["customers", "reindex"])
    assert res.exit_code == 0, res.output
    assert "嘉兴秀洲宏达五金" in _found(client, "宏达五金")


def test_province_filter_lists_the_provinces_in_scope(app, db, client, people):
    _make(db, people["sales1"], "杭州永利电器商行", province="浙江省")
    _make(db, people["sales1"], "合肥永利电器商行", province="安徽省")
    _make(db, people["manager2"], "福州永昌电器商行", province="福建省")  # another office
    login(client, "sales1")
    html = client.get("/customers/").get_data(as_text=True)
    assert '<option value="安徽省"' in html and '<option value="浙江省"' in html
    assert "福建省" not in html
    assert html.index('value="安徽省"') < html.index('value="浙江省"')  # in order


def test_search_by_contact_phone_legal_person_and_pinyin_initials(app, db, client, people):
    """Issue 21 #6: ``13753754840`` and ``董磊`` found nothing."""
    from plugins.customers.models import Contact
    from plugins.customers.services.master import save_contact

    s1 = people["sales1"]
    yl = _make(db, s1, "杭州永利电器商行", legal_person="王建华")
    other = _make(db, s1, "宁波顺发家电", legal_person="李")
    save_contact(db, db.get(Customer, yl.id), None, name="董磊", role="老板",
                 phone="13753754840", wechat="", email="", birthday=None, is_decider=True,
                 notes="")
    db.commit()
    login(client, "sales1")
    for q in ("13753754840", "3754", "董磊", "王建华", "建华", "hzyl", "HZYLDQ", "dl", "wjh"):
        html = _found(client, q)
        assert "杭州永利电器商行" in html and "宁波顺发家电" not in html, q
    assert "宁波顺发家电" in _found(client, "nbsf")
    # The words follow edits: a contact renamed, then removed; a legal person changed.
    contact = db.scalars(select(Contact).where(Contact.customer_id == yl.id)).one()
    save_contact(db, db.get(Customer, yl.id), contact, name="周敏", role="老板",
                 phone="13800000000", wechat="", email="", birthday=None, is_decider=True,
                 notes="")
    update_customer(db, db.get(Customer, other.id), legal_person="董磊")
    db.commit()
    assert "杭州永利电器商行" not in _found(client, "13753754840")
    db.rollback()
    assert "杭州永利电器商行" in _found(client, "周敏")
    html = _found(client, "董磊")
    assert "宁波顺发家电" in html and "杭州永利电器商行" not in html
    db.delete(db.get(Contact, contact.id))
    db.commit()
    assert "杭州永利电器商行" not in _found(client, "周敏")


def test_imported_customers_are_found_by_contact_and_initials(app, db, client, people):
    body = rows(3)
    body[1][0] = "温州鹿城电器"
    body[1][8] = "董磊"
    body[1][9] = "13753754840"
    result = exchange.import_file(db, io.BytesIO(csv_bytes(HEADER, body)), "c.csv",
                                  db.merge(people["sales1"]))
    db.commit()
    assert result.ok, result.errors
    login(client, "sales1")
    for q in ("董磊", "13753754840", "wzlc"):
        html = _found(client, q)
        assert "温州鹿城电器" in html and "导入客户00000" not in html, q
