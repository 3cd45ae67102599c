"""Import / export: all or nothing with a row-by-row report; xlsx and CSV;
the CLI; access limits."""
import csv
import io

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.models import AuditLog
from plugins.customers.services import exchange, export
from plugins.customers.models import Contact, Customer

from .conftest import uscc_code, login


HEADER = ["客户名称", "客户类型", "省", "市", "县/区", "统一社会信用代码", "税号", "业务员",
          "联系人", "联系人电话"]


def rows(n, owner="sales1", start=0):
    out = []
    for i in range(start, start + n):
        out.append([f"导入客户{i:05d}", "member" if i % 2 else "传统客户", "浙江省", "杭州市",
                    "萧山区", uscc_code(100000 + i), f"TAX{i:08d}", owner, f"联系人{i}",
                    f"138{i:08d}"])
    return out


def csv_bytes(header, body):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    w.writerows(body)
    return buf.getvalue().encode("utf-8-sig")


def xlsx_bytes(header, body):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in body:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def count(db):
    db.rollback()  # end any read snapshot: see what other sessions committed
    return db.scalar(select(func.count()).select_from(Customer))


def test_1000_rows_with_one_bad_row_import_nothing_and_name_the_row(app, db, people):
    body = rows(1000)
    body[636][5] = "91350100M000100Y44"  # bad checksum on spreadsheet row 638
    result = exchange.import_file(db, io.BytesIO(xlsx_bytes(HEADER, body)), "客户.xlsx",
                                  db.merge(people["sales1"]))
    db.rollback()
    assert not result.ok and result.imported == 0 and result.rows == 1000
    assert [n for n, _msg in result.errors] == [638]
    assert "91350100M000100Y44" in result.errors[0][1]
    assert count(db) == 0


def test_good_csv_imports_every_row_with_contacts_codes_and_audit(app, db, people):
    result = exchange.import_file(db, io.BytesIO(csv_bytes(HEADER, rows(50))), "c.csv",
                                  db.merge(people["sales1"]))
    db.commit()
    assert result.ok and result.imported == 50
    c = db.scalars(select(Customer).where(Customer.name == "导入客户00001")).one()
    assert (c.kind, c.status, c.owner_id, c.org_unit_id) == ("member", "prospect",
                                                            people["sales1"].id,
                                                            people["sales1"].org_unit_id)
    assert db.scalars(select(Customer.kind).where(Customer.name == "导入客户00000")).one() == "traditional"
    assert db.scalar(select(func.count()).select_from(Contact)) == 50
    codes = db.scalars(select(Customer.code).order_by(Customer.id)).all()
    assert len(set(codes)) == 50 and codes[0].endswith("00001") and codes[-1].endswith("00050")
    assert db.scalar(select(func.count()).select_from(AuditLog).where(
        AuditLog.table_name == "customers_customer", AuditLog.action == "create")) == 50


def test_imported_customers_audit_row_holds_every_value_as_json(app, db, people):
    body = rows(3)
    body[1][0] = '华联"电器"\\分公司'  # a quote and a backslash in the name
    result = exchange.import_file(db, io.BytesIO(csv_bytes(HEADER, body)), "c.csv",
                                  db.merge(people["sales1"]))
    db.commit()
    assert result.ok
    c = db.scalars(select(Customer).where(Customer.name == '华联"电器"\\分公司')).one()
    changes = db.scalars(select(AuditLog.changes).where(
        AuditLog.table_name == "customers_customer", AuditLog.record_id == str(c.id))).one()
    keys = exchange.CUSTOMER_FIELDS + ("status", "org_unit_id", "owner_id")
    assert changes == {"code": [None, c.code],
                       **{k: [None, getattr(c, k)] for k in keys if getattr(c, k)}}
    assert changes["name"] == [None, '华联"电器"\\分公司'] and changes["province"] == [None, "浙江省"]


def test_every_kind_of_bad_row_is_reported(app, db, people, new_customer):
    existing = new_customer(people["sales2"], name="已有客户", licence_no=uscc_code(999))
    body = rows(6)
    body[0][0] = ""                         # row 2: no name
    body[1][1] = "外星客户"                   # row 3: unknown kind
    body[2][5] = uscc_code(999)             # row 4: licence of an existing account
    body[3][5] = body[4][5]                 # row 5: same licence as row 6 … reported on row 6
    body[5][7] = "nobody"                   # row 7: unknown owner
    result = exchange.import_file(db, io.BytesIO(csv_bytes(HEADER, body)), "c.csv", None)
    msgs = dict(result.errors)
    assert sorted(msgs) == [2, 3, 4, 6, 7]
    assert existing.code in msgs[4] and "已有客户" in msgs[4]
    assert "row 5" in msgs[6]
    assert "nobody" in msgs[7]
    db.rollback()
    assert count(db) == 1


def test_an_identifier_in_the_other_field_is_the_same_legal_entity(app, db, people,
                                                                   new_customer):
    """Issue 21 #2: a tax number equal to an account's credit code, or to
    another row's credit code, is refused like a repeated licence number."""
    existing = new_customer(people["sales2"], name="已有客户", licence_no=uscc_code(998))
    body = rows(4)
    body[0][6] = uscc_code(998)             # row 2: tax number = an account's licence number
    body[2][6] = body[1][5]                 # row 4: tax number = row 3's licence number
    body[3][6] = body[3][5]                 # row 5: its own code as its tax number: fine
    result = exchange.import_file(db, io.BytesIO(csv_bytes(HEADER, body)), "c.csv", None)
    msgs = dict(result.errors)
    assert sorted(msgs) == [2, 4]
    assert existing.code in msgs[2] and "已有客户" in msgs[2]
    assert "row 3" in msgs[4]
    assert count(db) == 1


def test_salesperson_cannot_import_for_others(app, db, people):
    result = exchange.import_file(db, io.BytesIO(csv_bytes(HEADER, rows(3, owner="sales2"))),
                                  "c.csv", db.merge(people["sales1"]))
    assert [n for n, _m in result.errors] == [2, 3, 4]


def test_export_is_scoped_and_round_trips(app, db, people, new_customer):
    new_customer(people["sales1"], name="我的客户", licence_no=uscc_code(5), province="浙江省")
    new_customer(people["sales2"], name="别人的客户")
    buf = io.BytesIO()
    export.write(export.export_rows(db, db.merge(people["sales1"])), buf, "xlsx")
    ws = load_workbook(io.BytesIO(buf.getvalue())).active
    values = [[c.value for c in r] for r in ws.iter_rows()]
    assert values[0][:3] == ["客户编号", "客户名称", "客户类型"]
    assert [r[1] for r in values[1:]] == ["我的客户"]
    # the exported file imports again (into a fresh name, as a new account)
    values[1][1] = "我的客户（复制）"
    values[1][12] = uscc_code(6)
    back = exchange.import_file(db, io.BytesIO(xlsx_bytes(values[0], values[1:])), "x.xlsx",
                                db.merge(people["sales1"]))
    assert back.ok and back.imported == 1, back.errors


def test_cli_import_dry_run_bad_file_and_export(app, db, people, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(HEADER, rows(20)))
    bad = tmp_path / "bad.xlsx"
    body = rows(20)
    body[9][1] = "?"
    bad.write_bytes(xlsx_bytes(HEADER, body))
    runner = app.test_cli_runner()
    r = runner.invoke(args=["customers", "import", str(bad), "--as", "manager"])
    assert r.exit_code != 0 and "row 11" in r.output
    r = runner.invoke(args=["customers", "import", str(good), "--dry-run"])
    assert r.exit_code == 0 and "20" in r.output
    assert count(db) == 0
    r = runner.invoke(args=["customers", "import", str(good), "--as", "manager"])
    assert r.exit_code == 0, r.output
    assert count(db) == 20
    out = tmp_path / "out.csv"
    r = runner.invoke(args=["customers", "export", str(out), "--as", "sales2"])
    assert r.exit_code == 0 and "exported 0" in r.output
    r = runner.invoke(args=["customers", "export", str(out)])
    assert "exported 20" in r.output
    text = out.read_bytes().decode("utf-8-sig")
    assert "导入客户00019" in text


def test_import_page_reports_rows(app, client, people):
    login(client, "manager")
    body = rows(5, owner="sales1")
    body[2][0] = ""
    r = client.post_form("/customers/import", {"file": (io.BytesIO(csv_bytes(HEADER, body)), "c.csv")},
                         content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert "没有导入任何数据" in html and "<td class=\"num\">4</td>" in html
    login(client, "sales1")
    assert client.get("/customers/import").status_code == 403


@pytest.mark.parametrize("payload, name", [(b"\x00\x01binary", "x.csv"), (b"not a zip", "x.xlsx"),
                                           (b"", "x.csv"), (b"a,b\n1,2\n", "x.csv")])
def test_unreadable_files_are_refused(app, db, payload, name):
    from core.services import ServiceError

    with pytest.raises(ServiceError):
        exchange.import_file(db, io.BytesIO(payload), name, None)
