"""The default chart of accounts (企业会计准则 codes), the journals and the
ledger state row.  ``ensure_setup`` is idempotent and safe under
concurrency; it runs from the demo loader and lazily on first posting, so a
fresh database works without a separate step."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import Account, Journal, LedgerState
from ..models.ledger import ASSET, EQUITY, EXPENSE, LIABILITY, REVENUE

CASH, BANK = "1001", "1002"
RECEIVABLE, PREPAID_OUT = "1122", "1123"
ADVANCES = "2203"  # 预收账款: customers' prepayments and unapplied credits
SALARIES_PAYABLE, TAXES = "2211", "2221"
OUTPUT_VAT = "222101"  # 应交税费-应交增值税(销项税额): VAT on what we sell (issue 21 §15)
OTHER_PAYABLE = "2241"  # 其他应付款: approved rebates, accrued expenses
OPENING_OFFSET = "4104"
REVENUE_MAIN = "6001"
SELLING = "6601"
REBATE_EXPENSE = "660105"

#: Accounts whose customer lines make up the customer's balance with us.
CUSTOMER_ACCOUNTS = (RECEIVABLE, ADVANCES)

#: The dimensions (``customer``, ``unit``, ``salesperson``: the line columns
#: ``<name>_id``) every line on an account must carry.  Issue 20: a 1122 line
#: without a customer put the trial balance out of step with the aging while
#: ``verify`` said OK.  ``ledger.post_entry`` refuses such a line;
#: ``ledger.missing_dimensions`` finds old ones.
REQUIRED_DIMENSIONS: dict[str, tuple[str, ...]] = {
    RECEIVABLE: ("customer",),
    ADVANCES: ("customer",),
}

CHART: tuple[tuple[str, str, str, str], ...] = (
    ("1001", "库存现金", "Cash on hand", ASSET),
    ("1002", "银行存款", "Bank deposits", ASSET),
    ("1122", "应收账款", "Accounts receivable", ASSET),
    ("1123", "预付账款", "Prepayments to suppliers", ASSET),
    ("1221", "其他应收款", "Other receivables", ASSET),
    ("1405", "库存商品", "Merchandise inventory", ASSET),
    ("2202", "应付账款", "Accounts payable", LIABILITY),
    ("2203", "预收账款", "Advances from customers", LIABILITY),
    ("2211", "应付职工薪酬", "Employee benefits payable", LIABILITY),
    ("2221", "应交税费", "Taxes payable", LIABILITY),
    ("222101", "应交税费-应交增值税（销项税额）", "Taxes payable - VAT (output tax)", LIABILITY),
    ("2241", "其他应付款", "Other payables (rebates, accruals)", LIABILITY),
    ("4001", "实收资本", "Paid-in capital", EQUITY),
    ("4103", "本年利润", "Profit for the year", EQUITY),
    ("4104", "利润分配", "Profit distribution (opening balances)", EQUITY),
    ("6001", "主营业务收入", "Main operating revenue", REVENUE),
    ("6051", "其他业务收入", "Other operating revenue", REVENUE),
    ("6401", "主营业务成本", "Cost of main operations", EXPENSE),
    ("6601", "销售费用", "Selling expenses", EXPENSE),
    ("660101", "销售费用-差旅费", "Selling expenses - travel", EXPENSE),
    ("660102", "销售费用-业务招待费", "Selling expenses - entertainment", EXPENSE),
    ("660103", "销售费用-促销宣传费", "Selling expenses - promotion", EXPENSE),
    ("660104", "销售费用-运输费", "Selling expenses - transport", EXPENSE),
    ("660105", "销售费用-返利", "Selling expenses - rebates", EXPENSE),
    ("660106", "销售费用-促销员工资", "Selling expenses - promoter wages", EXPENSE),
    ("6602", "管理费用", "Administrative expenses", EXPENSE),
    ("6603", "财务费用", "Financial expenses", EXPENSE),
)

# code, name, English name; the numbering pattern is "{code}/{year}/{n:05}".
JOURNALS: tuple[tuple[str, str, str], ...] = (
    ("INV", "销售发票", "Sales invoices"),
    ("REC", "收款", "Receipts"),
    ("CRN", "红字发票", "Credit notes"),
    ("ALC", "核销", "Allocations"),
    ("RBT", "返利", "Rebates"),
    ("ACR", "预提", "Accruals"),
    ("OPN", "期初余额", "Opening balances"),
    ("GEN", "通用凭证", "General entries"),
)
JOURNAL_CODES = tuple(j[0] for j in JOURNALS)
_BUILTIN = frozenset(c[0] for c in CHART)


def _insert_ignore(session: Session, model):
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model).on_conflict_do_nothing()


def ensure_setup(session: Session) -> None:
    """Seed the chart, the journals and the ledger state row when missing."""
    have = set(session.execute(select(Account.code)).scalars())
    rows = [{"code": c, "name": n, "name_en": e, "kind": k, "builtin": True, "active": True}
            for c, n, e, k in CHART if c not in have]
    if rows:
        session.execute(_insert_ignore(session, Account), rows)
    have = set(session.execute(select(Journal.code)).scalars())
    rows = [{"code": c, "name": n, "name_en": e} for c, n, e in JOURNALS if c not in have]
    if rows:
        session.execute(_insert_ignore(session, Journal), rows)
    if session.get(LedgerState, 1) is None:
        session.execute(_insert_ignore(session, LedgerState),
                        [{"id": 1, "chain_seq": 0, "last_hash": "0" * 64}])


def account(session: Session, code: str) -> Account:
    acc = session.execute(select(Account).where(Account.code == code)).scalar_one_or_none()
    if acc is None:
        ensure_setup(session)
        acc = session.execute(select(Account).where(Account.code == code)).scalar_one_or_none()
    if acc is None:
        from core.i18n import _l
        from core.services import ServiceError

        raise ServiceError(_l("No account with code %(code)s.", code=code))
    return acc


def journal(session: Session, code: str) -> Journal:
    j = session.execute(select(Journal).where(Journal.code == code)).scalar_one_or_none()
    if j is None:
        ensure_setup(session)
        j = session.execute(select(Journal).where(Journal.code == code)).scalar_one()
    return j


# -- a per-session cache of the chart --------------------------------------
# Every posting needs account and journal ids; the rows change rarely.  The
# cache lives in ``session.info`` and is dropped on any rollback, so ids
# seeded in a rolled-back transaction are never reused.
_CACHE = "_finance_chart"


def _cache(session: Session) -> dict:
    cache = session.info.get(_CACHE)
    if cache is None:
        cache = session.info[_CACHE] = {"accounts": {}, "journals": {}}
    return cache


def accounts_by_code(session: Session, codes: set[str]) -> dict[str, tuple[int, bool]]:
    """{code: (id, active)} for the codes that exist (seeding the chart if empty)."""
    cache = _cache(session)["accounts"]
    missing = [c for c in codes if c not in cache]
    if missing:
        rows = session.execute(select(Account.code, Account.id, Account.active)
                               .where(Account.code.in_(missing))).all()
        if len(rows) < len(missing) and (
                not session.scalar(select(Account.id).limit(1))
                or any(c in _BUILTIN for c in set(missing) - {r[0] for r in rows})):
            ensure_setup(session)
            rows = session.execute(select(Account.code, Account.id, Account.active)
                                   .where(Account.code.in_(missing))).all()
        for code, ident, active in rows:
            cache[code] = (ident, active)
    return {c: cache[c] for c in codes if c in cache}


def journal_id(session: Session, code: str) -> int:
    cache = _cache(session)["journals"]
    if code not in cache:
        cache[code] = journal(session, code).id
    return cache[code]


def forget(session: Session) -> None:
    session.info.pop(_CACHE, None)


def drop_cache_on_rollback(session, previous_transaction):
    """``after_soft_rollback`` listener, attached to the app's sessionmaker
    through the plugin's ``register_session_events`` (declarations.py)."""
    forget(session)
