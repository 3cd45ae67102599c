from decimal import Decimal

from core.hookspecs import hookimpl
from core.registry import DocumentSpec, Manifest, Paging, Permission, SequenceSpec
from core.services import ServiceError

MANIFEST = Manifest(
    name="qddocs",
    label_zh="测试单据",
    label_en="Test documents",
    version="0.0.1",
    description="Core's document test plugin.",
)

#: Strings the tests look for in the extracted PDF text.
TITLE = "客户对账单"
CUSTOMER = "杭州西湖珠宝有限公司"
ROW_TEXT = "翡翠手镯（冰种）"


def sheet_context(session, record_id, user):
    from .models import Sheet

    sheet = session.get(Sheet, int(record_id))
    if sheet.title.startswith("FAIL"):
        raise ServiceError("这张单据不能打印")
    if sheet.title.startswith("CRASH"):
        raise RuntimeError("template data broken")
    lines = [{"n": i + 1, "item": ROW_TEXT, "qty": i + 1,
              "amount": Decimal("1234.50") * (i + 1)} for i in range(sheet.rows)]
    return {"title": TITLE, "customer": CUSTOMER, "sheet_title": sheet.title, "lines": lines,
            "total": Decimal("12345.67"), "due": sheet.created_at.date()}


#: Items of the paged sheet: one line, two lines and three lines long in a
#: column of about 12 Chinese characters.
PAGED_ITEMS = ("足金吊坠", "翡翠手镯（冰种）配证书及礼盒包装", "铂金钻石对戒一对，含刻字服务、证书、礼盒及七天无理由退换")


def paged_context(session, record_id, user):
    from .models import Sheet

    sheet = session.get(Sheet, int(record_id))
    lines = [{"n": i + 1, "item": PAGED_ITEMS[(i * 7) % 11 % 3],
              "amount": Decimal("100.01") * (i + 1)} for i in range(sheet.rows)]
    return {"title": TITLE, "customer": CUSTOMER, "lines": lines,
            "total": sum((line["amount"] for line in lines), Decimal(0))}


def free_context(session, record_id, user):
    if record_id == "missing":
        return None
    return {"text": f"自由文本 {record_id}"}


@hookimpl
def register_models():
    from .models import Sheet

    return [Sheet]


def die(ctx):
    """A job whose RQ work horse dies (as if killed by the OOM killer)."""
    import os
    import signal

    if not os.environ.get("RQ_JOB_ID"):
        raise RuntimeError("only ever run this in an RQ work horse")
    ctx.progress(10, "about to die")
    os.kill(os.getpid(), signal.SIGKILL)


@hookimpl
def register_job_handlers():
    return {"qddocs.die": die}


@hookimpl
def register_permissions():
    return [Permission("qddocs.print", "Print test documents", ("manager", "salesperson"))]


@hookimpl
def register_sequences():
    return [SequenceSpec("qddocs.statement", "DZD/{year}/{n:05}", "Test statement")]


@hookimpl
def register_documents():
    return [
        DocumentSpec("qddocs.statement", "Statement", "qddocs/pdf/statement.html", sheet_context,
                     "qddocs.print", sequence="qddocs.statement", model=_sheet()),
        DocumentSpec("qddocs.free", "Free text", "qddocs/pdf/free.html", free_context,
                     "qddocs.print"),
        DocumentSpec("qddocs.paged", "Paged sheet", "qddocs/pdf/paged.html", paged_context,
                     "qddocs.print", sequence="qddocs.statement", model=_sheet(),
                     paging=Paging("lines", first_page=20, per_page=26, wrap={"item": 12})),
    ]


def _sheet():
    from .models import Sheet

    return Sheet
