"""The region picker (issue 21 #5): 省/市/县 from the national division list
(GB/T 2260); typed short names mapped to the list's (浙江 → 浙江省), the
customers saved before mapped by a data migration."""
import importlib
import io

import pytest
from sqlalchemy import select, text

from core.services import ServiceError
from plugins.customers.models import Customer
from plugins.customers.services import divisions, exchange
from plugins.customers.services.master import create_customer, update_customer

from .conftest import login
from .test_exchange import HEADER, csv_bytes, rows


def _make(db, owner, name, **fields):
    c = create_customer(db, name=name, kind="general", org_unit_id=owner.org_unit_id,
                        owner_id=owner.id, **fields)
    db.commit()
    return c


def test_the_list_has_every_province_and_its_cities_and_counties():
    names = [p.name for p in divisions.provinces()]
    assert len(names) == 34 and "浙江省" in names and "香港特别行政区" in names
    zj, hz, _k = divisions.resolve("浙江省", "杭州市")
    assert {"萧山区", "临平区", "桐庐县"} <= {k.name for k in divisions.children(hz)}
    bj = divisions.resolve("北京市")[0]
    assert [c.name for c in divisions.children(bj)] == ["北京市"]  # a municipality's city
    assert divisions.coordinates("浙江省", "杭州市", "萧山区") == pytest.approx((120.26, 30.18),
                                                                           abs=0.01)


def test_short_names_are_saved_as_the_lists_and_wrong_ones_refused(app, db, people):
    s1 = people["sales1"]
    c = _make(db, s1, "萧山恒通", province="浙江", city="杭州", county="萧山")
    assert (c.province, c.city, c.county) == ("浙江省", "杭州市", "萧山区")
    for bad in ({"province": "火星省"}, {"province": "浙江省", "city": "南京市"},
                {"province": "浙江省", "city": "杭州市", "county": "玄武区"},
                {"province": "", "city": "杭州市"}):
        with pytest.raises(ServiceError, match="GB/T 2260"):
            create_customer(db, name="坏地址", kind="general", org_unit_id=s1.org_unit_id,
                            owner_id=s1.id, **bad)
        db.rollback()
    dg = _make(db, s1, "虎门电器", province="广东", city="东莞", county="虎门镇")
    assert (dg.province, dg.city, dg.county) == ("广东省", "东莞市", "虎门镇")  # no counties
    update_customer(db, db.get(Customer, c.id), province="上海", city="上海", county="浦东新区")
    db.commit()
    assert db.get(Customer, c.id).province == "上海市"


def test_the_form_is_a_picker_and_the_script_gets_the_list(app, client, db, people):
    login(client, "sales1")
    html = client.get("/customers/new").get_data(as_text=True)
    assert '<select data-region="province" id="province" name="province">' in html
    assert '<option value="浙江省">浙江省</option>' in html and "region.js" in html
    r = client.post_form("/customers/new", {"name": "临浦恒通家电城", "kind": "general",
                                            "province": "浙江省", "city": "杭州市",
                                            "county": "萧山区"}, follow_redirects=True)
    assert r.status_code == 200
    db.rollback()
    c = db.scalars(select(Customer).where(Customer.name == "临浦恒通家电城")).one()
    assert (c.province, c.city, c.county) == ("浙江省", "杭州市", "萧山区")
    html = client.get(f"/customers/{c.id}/edit").get_data(as_text=True)
    assert '<option selected value="萧山区">萧山区</option>' in html  # the city's counties
    assert '<option value="临平区">临平区</option>' in html
    r = client.post_form("/customers/new", {"name": "坏", "kind": "general",
                                            "province": "浙江省", "city": "南京市"})
    assert "浙江省 南京市 不是国家行政区划" in r.get_data(as_text=True)
    tree = client.get("/customers/divisions.json").get_json()
    assert "萧山区" in tree["浙江省"]["杭州市"]
    assert client.get("/customers/static/customers/region.js").status_code == 200


def test_import_maps_short_names_and_reports_unknown_regions(app, db, people):
    body = rows(3)
    body[0][2], body[0][3], body[0][4] = "浙江", "杭州", "萧山"
    body[1][2], body[1][3], body[1][4] = "浙江省", "火星市", ""
    result = exchange.import_file(db, io.BytesIO(csv_bytes(HEADER, body)), "c.csv",
                                  db.merge(people["sales1"]))
    assert sorted(dict(result.errors)) == [3]
    body[1][3] = "宁波市"
    result = exchange.import_file(db, io.BytesIO(csv_bytes(HEADER, body)), "c.csv",
                                  db.merge(people["sales1"]))
    db.commit()
    assert result.ok, result.errors
    c = db.scalars(select(Customer).where(Customer.name == body[0][0])).one()
    assert (c.province, c.city, c.county) == ("浙江省", "杭州市", "萧山区")


def test_the_data_migration_maps_what_was_typed_before(app, db, people):
    """Regions saved before the picker: 浙江 and 浙江省 both in the filter."""
    s1 = people["sales1"]
    a = _make(db, s1, "甲")
    b = _make(db, s1, "乙")
    z = _make(db, s1, "丙")
    for cid, region in ((a.id, ("浙江", "杭州", "萧山")), (b.id, ("浙江", "火星市", "")),
                        (z.id, ("火星", "", ""))):
        db.execute(text("UPDATE customers_customer SET province = :p, city = :c, county = :k "
                        "WHERE id = :i"), {"p": region[0], "c": region[1], "k": region[2],
                                           "i": cid})
    db.commit()
    mod = importlib.import_module(
        "plugins.customers.migrations.versions.e5c1a7b3d920_customers_region_standard_names")
    mod.map_regions(db.connection())
    db.commit()
    got = {r.id: (r.province, r.city, r.county) for r in db.execute(
        select(Customer.id, Customer.province, Customer.city, Customer.county))}
    assert got[a.id] == ("浙江省", "杭州市", "萧山区")
    assert got[b.id] == ("浙江省", "火星市", "")  # the province mapped, the rest as typed
    assert got[z.id] == ("火星", "", "")
