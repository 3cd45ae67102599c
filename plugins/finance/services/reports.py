"""Period reports from the general ledger (issue 21, item 16): the 科目余额表
(opening balance, debit, credit and closing balance per account for a
period, and per customer on the accounts kept by customer), and a simple
资产负债表 and 利润表 in the layout of 小企业会计准则.

Every figure and total is a SQL aggregate (GROUP BY over the lines); no
ledger line is read into Python.  The accounts come from the chart table:
an account is placed on a statement line by its kind and code prefix, so an
account added later (e.g. 222101 应交税费—应交增值税(销项税额)) lands on its
parent's line (应交税费) without a code list to update.  Revenue and expense
accounts are never closed here, so the balance sheet's 未分配利润 carries
their balance (the current profit) and assets = liabilities + equity.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import String, case, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import Session

from core.db import Money
from core.i18n import _l
from core.services import ServiceError
from plugins.customers.api import Customer

from ..models import Account, Line
from ..models.ledger import ASSET, EQUITY, EXPENSE, LIABILITY, REVENUE
from .chart import REQUIRED_DIMENSIONS
from .money import ZERO, msum

#: The longest period one report covers (a year and a day, for leap years).
MAX_PERIOD_DAYS = 366


def check_period(start: date, end: date) -> None:
    if end < start:
        raise ServiceError(_l("The period ends before it starts."))
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise ServiceError(_l("A report covers at most one year."))


def subledger_codes() -> tuple[str, ...]:
    """Accounts kept by customer (应收账款, 预收账款 …): those the chart says
    every line must name a customer on."""
    return tuple(sorted(code for code, dims in REQUIRED_DIMENSIONS.items() if "customer" in dims))


# -- 科目余额表 ------------------------------------------------------------------
@dataclass
class BalanceRow:
    """Debit-positive amounts: a credit balance is negative in ``opening`` and
    ``closing``; the ``*_debit`` / ``*_credit`` properties split them into the
    report's two columns."""

    code: str = ""
    name: str = ""
    name_en: str = ""
    kind: str = ""
    customer_id: int | None = None
    opening: Decimal = ZERO
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    closing: Decimal = ZERO
    opening_debit: Decimal = ZERO
    opening_credit: Decimal = ZERO
    closing_debit: Decimal = ZERO
    closing_credit: Decimal = ZERO

    def label(self, locale: str | None = None) -> str:
        name = self.name_en if (locale or "").startswith("en") and self.name_en else self.name
        return f"{self.code} {name}".strip()


@dataclass
class TrialBalance:
    start: date
    end: date
    rows: list[BalanceRow]
    total: BalanceRow
    subledger: tuple[str, ...] = field(default_factory=tuple)


def _movements(start: date, end: date, unit_ids, by_customer: bool, account_code: str | None = None):
    """Per account (and customer): opening = lines before ``start``, debit and
    credit = lines in the period.  One GROUP BY over the lines."""
    cols = [Line.account_id]
    if by_customer:
        cols.append(Line.customer_id)
    in_period = Line.date >= start
    stmt = (select(*cols,
                   msum(case((Line.date < start, Line.debit - Line.credit), else_=0)).label("opening"),
                   msum(case((in_period, Line.debit), else_=0)).label("debit"),
                   msum(case((in_period, Line.credit), else_=0)).label("credit"))
            .where(Line.date <= end)
            .group_by(*cols))
    if unit_ids is not None:
        stmt = stmt.where(Line.unit_id.in_(unit_ids))
    if account_code is not None:
        stmt = stmt.where(Line.account_id == select(Account.id).where(Account.code == account_code)
                          .scalar_subquery(), Line.customer_id.is_not(None))
    return stmt.subquery("mv")


def _sides(mv):
    closing = mv.c.opening + mv.c.debit - mv.c.credit
    return {
        "opening_debit": case((mv.c.opening > 0, mv.c.opening), else_=0),
        "opening_credit": case((mv.c.opening < 0, -mv.c.opening), else_=0),
        "closing_debit": case((closing > 0, closing), else_=0),
        "closing_credit": case((closing < 0, -closing), else_=0),
        "closing": closing,
    }


def _nonzero(mv):
    return or_(mv.c.opening != 0, mv.c.debit != 0, mv.c.credit != 0)


_TOTALS = ("opening", "debit", "credit", "closing", "opening_debit", "opening_credit",
           "closing_debit", "closing_credit")


def _wsum(expr, name: str):
    """The column's total over every row of the result, as a window: the
    totals come with the rows from the same scan of the lines."""
    return cast(func.coalesce(func.sum(expr).over(), 0), Money).label("t_" + name)


def _figures(mv):
    s = _sides(mv)
    cols = {"opening": mv.c.opening, "debit": mv.c.debit, "credit": mv.c.credit, **s}
    return ([cols[k].label(k) for k in _TOTALS], [_wsum(cols[k], k) for k in _TOTALS])


def _split(result) -> tuple[list[dict], BalanceRow]:
    rows, total = [], BalanceRow()
    for r in result:
        d = r._asdict()
        if not rows:
            total = BalanceRow(**{k: d["t_" + k] for k in _TOTALS})
        rows.append({k: v for k, v in d.items() if not k.startswith("t_")})
    return rows, total


def period_trial_balance(session: Session, start: date, end: date, unit_ids=None) -> TrialBalance:
    """The 科目余额表 per account for ``start``–``end``; ``unit_ids`` (a SELECT
    of org unit ids) limits it to the lines counted for them.  One statement:
    a GROUP BY over the lines, the totals as window sums over its rows."""
    check_period(start, end)
    mv = _movements(start, end, unit_ids, by_customer=False)
    figures, totals = _figures(mv)
    stmt = (select(Account.code, Account.name, Account.name_en, Account.kind, *figures, *totals)
            .join(mv, mv.c.account_id == Account.id)
            .where(_nonzero(mv))
            .order_by(Account.code))
    rows, total = _split(session.execute(stmt))
    return TrialBalance(start, end, [BalanceRow(**r) for r in rows], total, subledger_codes())


def customer_subledger(session: Session, start: date, end: date, code: str, unit_ids=None,
                       limit: int | None = None) -> TrialBalance:
    """The same columns per customer on one account kept by customer (应收账款
    or 预收账款 明细), customers by code."""
    check_period(start, end)
    if code not in subledger_codes():
        raise ServiceError(_l("Account %(code)s is not kept by customer.", code=code))
    mv = _movements(start, end, unit_ids, by_customer=True, account_code=code)
    figures, totals = _figures(mv)
    acc = session.execute(select(Account.name, Account.name_en, Account.kind)
                          .where(Account.code == code)).one_or_none()
    stmt = (select(Customer.id.label("customer_id"), Customer.code.label("code"),
                   Customer.name.label("name"), *figures, *totals)
            .join(mv, mv.c.customer_id == Customer.id)
            .where(_nonzero(mv))
            .order_by(Customer.code, Customer.id))
    if limit is not None:
        stmt = stmt.limit(limit)
    found, total = _split(session.execute(stmt))
    rows = [BalanceRow(kind=acc.kind if acc else "", **r) for r in found]
    total.code = code
    if acc is not None:
        total.name, total.name_en, total.kind = acc.name, acc.name_en, acc.kind
    return TrialBalance(start, end, rows, total, subledger_codes())


# -- statement layouts ------------------------------------------------------------
@dataclass(frozen=True)
class StatementLine:
    key: str
    label: object          # lazy string
    prefixes: tuple[str, ...] = ()
    part: str = ""
    #: the lines computed from others are drawn bold, with no account of their own
    computed: bool = False


#: 资产负债表 (小企业会计准则 会小企01 简化): section, part, lines.  An account of
#: the section's kind that matches no prefix goes to the part's "other" line,
#: current or non-current by its code (below 1500 / 2500: current).
BS_ASSET_LINES = (
    StatementLine("cash", _l("Cash and cash equivalents"), ("1001", "1002", "1012"), "current"),
    StatementLine("short_investments", _l("Short-term investments"), ("1101",), "current"),
    StatementLine("notes_receivable", _l("Notes receivable"), ("1121",), "current"),
    StatementLine("receivable", _l("Accounts receivable"), ("1122",), "current"),
    StatementLine("prepayments", _l("Prepayments"), ("1123",), "current"),
    StatementLine("other_receivables", _l("Other receivables"), ("1131", "1132", "1221"), "current"),
    StatementLine("inventory", _l("Inventories"), ("14",), "current"),
    StatementLine("other_current_assets", _l("Other current assets"), (), "current"),
    StatementLine("long_investments", _l("Long-term investments"), ("1501", "1511"), "noncurrent"),
    StatementLine("fixed_assets", _l("Fixed assets (net)"), ("1601", "1602", "1603"), "noncurrent"),
    StatementLine("construction", _l("Construction in progress"), ("1604", "1605"), "noncurrent"),
    StatementLine("intangibles", _l("Intangible assets (net)"), ("1701", "1702"), "noncurrent"),
    StatementLine("other_noncurrent_assets", _l("Other non-current assets"), (), "noncurrent"),
)
BS_LIABILITY_LINES = (
    StatementLine("short_loans", _l("Short-term borrowings"), ("2001",), "current"),
    StatementLine("notes_payable", _l("Notes payable"), ("2201",), "current"),
    StatementLine("payable", _l("Accounts payable"), ("2202",), "current"),
    StatementLine("advances", _l("Advances from customers"), ("2203",), "current"),
    StatementLine("salaries", _l("Employee benefits payable"), ("2211",), "current"),
    StatementLine("taxes", _l("Taxes payable"), ("2221",), "current"),
    StatementLine("interest_payable", _l("Interest payable"), ("2231",), "current"),
    StatementLine("profit_payable", _l("Profit payable"), ("2232",), "current"),
    StatementLine("other_payables", _l("Other payables"), ("2241",), "current"),
    StatementLine("other_current_liabilities", _l("Other current liabilities"), (), "current"),
    StatementLine("long_loans", _l("Long-term borrowings"), ("2501",), "noncurrent"),
    StatementLine("other_noncurrent_liabilities", _l("Other non-current liabilities"), (), "noncurrent"),
)
BS_EQUITY_LINES = (
    StatementLine("paid_in", _l("Paid-in capital"), ("4001",), "equity"),
    StatementLine("capital_reserve", _l("Capital reserve"), ("4002",), "equity"),
    StatementLine("surplus_reserve", _l("Surplus reserve"), ("4101",), "equity"),
    StatementLine("other_equity", _l("Other equity"), (), "equity"),
    # 本年利润, 利润分配 and every revenue and expense account (the current profit)
    StatementLine("undistributed", _l("Undistributed profit (incl. current profit)"),
                  ("4103", "4104"), "equity"),
)

#: 利润表 (会小企02 简化).  Revenue lines count credit − debit, expense lines
#: debit − credit; ``part``: operating / non-operating / tax.
IS_LINES = (
    StatementLine("revenue", _l("Operating revenue"), ("60",), "op_in"),
    StatementLine("cost", _l("Less: operating costs"), ("6401", "6402"), "op_out"),
    StatementLine("taxes_surcharges", _l("Taxes and surcharges"), ("6403",), "op_out"),
    StatementLine("selling", _l("Selling expenses"), ("6601",), "op_out"),
    StatementLine("admin", _l("Administrative expenses"), ("6602",), "op_out"),
    StatementLine("finance_cost", _l("Financial expenses"), ("6603",), "op_out"),
    StatementLine("investment_income", _l("Add: investment income"), ("6111",), "op_in"),
    StatementLine("operating_profit", _l("Operating profit"), (), "", True),
    StatementLine("nonop_income", _l("Add: non-operating income"), ("6301",), "nonop_in"),
    StatementLine("nonop_expense", _l("Less: non-operating expenses"), ("6711",), "nonop_out"),
    StatementLine("total_profit", _l("Total profit"), (), "", True),
    StatementLine("income_tax", _l("Less: income tax expense"), ("6801",), "tax_out"),
    StatementLine("net_profit", _l("Net profit"), (), "", True),
)
#: Where a revenue or expense account that matches no prefix goes.
IS_OTHER_REVENUE, IS_OTHER_EXPENSE = "nonop_income", "admin"


def _prefix_case(code_col, lines, fallback):
    whens = [(or_(*(code_col.like(p + "%") for p in ln.prefixes)), literal(ln.key))
             for ln in lines if ln.prefixes]
    return case(*whens, else_=fallback)


def _bs_line(code_col, kind_col):
    """The balance-sheet line of an account, in SQL."""
    asset = _prefix_case(code_col, BS_ASSET_LINES,
                         case((code_col < "15", literal("other_current_assets")),
                              else_=literal("other_noncurrent_assets")))
    liability = _prefix_case(code_col, BS_LIABILITY_LINES,
                             case((code_col < "25", literal("other_current_liabilities")),
                                  else_=literal("other_noncurrent_liabilities")))
    equity = _prefix_case(code_col, BS_EQUITY_LINES, literal("other_equity"))
    return case((kind_col == ASSET, asset), (kind_col == LIABILITY, liability),
                (kind_col == EQUITY, equity), else_=literal("undistributed"))


_BS_PART = {ln.key: ("asset", ln.part) for ln in BS_ASSET_LINES}
_BS_PART.update({ln.key: ("liability", ln.part) for ln in BS_LIABILITY_LINES})
_BS_PART.update({ln.key: ("equity", ln.part) for ln in BS_EQUITY_LINES})


def _grouped(session: Session, per_account, level_cols: dict, amounts: list[str]) -> dict:
    """``{(level, key): {amount: value}}`` from one statement: the UNION ALL of
    a GROUP BY per level over the per-account figures (a handful of rows)."""
    parts = []
    for level, name in level_cols.items():
        col = per_account.c[name]
        parts.append(select(literal(level).label("level"), cast(col, String).label("key"),
                            *(msum(per_account.c[a]).label(a) for a in amounts))
                     .group_by(col))
    out = {}
    for r in session.execute(union_all(*parts)):
        out[(r.level, r.key)] = {a: getattr(r, a) for a in amounts}
    return out


@dataclass
class Statement:
    title: object
    columns: tuple
    #: (label, key, {column: amount}, bold, indent)
    rows: list[tuple]
    balanced: bool = True
    day: date | None = None
    start: date | None = None
    end: date | None = None


def balance_sheet(session: Session, day: date, unit_ids=None) -> Statement:
    """资产负债表 at the end of ``day``: 期末余额 and 年初余额 (the balance before
    1 January of ``day``'s year) per line, with the part and section totals."""
    year_start = date(day.year, 1, 1)
    line = _bs_line(Account.code, Account.kind)
    side = case((Account.kind == ASSET, 1), else_=-1)
    acct = (select(line.label("line"),
                   msum(side * case((Line.date <= day, Line.debit - Line.credit), else_=0)).label("closing"),
                   msum(side * case((Line.date < year_start, Line.debit - Line.credit), else_=0))
                   .label("opening"))
            .join(Account, Account.id == Line.account_id)
            .where(Line.date <= day)
            .group_by(line))
    if unit_ids is not None:
        acct = acct.where(Line.unit_id.in_(unit_ids))
    acct = acct.subquery("acct")
    section = case(*((acct.c.line == k, literal(v[0])) for k, v in _BS_PART.items()), else_=literal("equity"))
    part = case(*((acct.c.line == k, literal(f"{v[0]}:{v[1]}")) for k, v in _BS_PART.items()),
                else_=literal("equity:equity"))
    total_side = case((section == "asset", literal("assets")), else_=literal("liabilities_equity"))
    g = _grouped(session, select(acct, section.label("section"), part.label("part"),
                                 total_side.label("side")).subquery("bs"),
                 {"line": "line", "part": "part", "section": "section", "side": "side"},
                 ["closing", "opening"])
    zero = {"closing": ZERO, "opening": ZERO}

    def amt(level, key):
        return g.get((level, key), zero)

    rows = []
    for lines, sec, parts in ((BS_ASSET_LINES, "asset", (("current", _l("Total current assets")),
                                                         ("noncurrent", _l("Total non-current assets")))),
                              (BS_LIABILITY_LINES, "liability", (("current", _l("Total current liabilities")),
                                                                 ("noncurrent", _l("Total non-current liabilities")))),
                              (BS_EQUITY_LINES, "equity", ())):
        for p, p_label in parts or (("equity", None),):
            for ln in lines:
                if ln.part == p:
                    rows.append((ln.label, ln.key, amt("line", ln.key), False, 1))
            if p_label is not None:
                rows.append((p_label, f"{sec}:{p}", amt("part", f"{sec}:{p}"), True, 0))
        if sec == "asset":
            rows.append((_l("Total assets"), "assets", amt("side", "assets"), True, 0))
        elif sec == "liability":
            rows.append((_l("Total liabilities"), "liabilities", amt("section", "liability"), True, 0))
        else:
            rows.append((_l("Total owners' equity"), "equity", amt("section", "equity"), True, 0))
    le = amt("side", "liabilities_equity")
    rows.append((_l("Total liabilities and owners' equity"), "liabilities_equity", le, True, 0))
    assets = amt("side", "assets")
    balanced = all(assets[c] == le[c] for c in ("closing", "opening"))
    return Statement(_l("Balance sheet"), (("closing", _l("Closing balance")),
                                           ("opening", _l("Opening balance of the year"))),
                     rows, balanced, day=day)


def _is_line(code_col, kind_col):
    revenue_lines = [ln for ln in IS_LINES if ln.part.endswith("_in")]
    expense_lines = [ln for ln in IS_LINES if ln.part.endswith("_out")]
    return case((kind_col == REVENUE, _prefix_case(code_col, revenue_lines, literal(IS_OTHER_REVENUE))),
                else_=_prefix_case(code_col, expense_lines, literal(IS_OTHER_EXPENSE)))


def income_statement(session: Session, start: date, end: date, unit_ids=None) -> Statement:
    """利润表 for ``start``–``end`` (本期金额) and from 1 January of ``end``'s
    year to ``end`` (本年累计金额)."""
    check_period(start, end)
    year_start = date(end.year, 1, 1)
    line = _is_line(Account.code, Account.kind)
    profit = Line.credit - Line.debit  # what the line adds to profit
    first = min(start, year_start)
    acct = (select(line.label("line"),
                   msum(case((Line.date >= start, profit), else_=0)).label("period"),
                   msum(case((Line.date >= year_start, profit), else_=0)).label("ytd"))
            .join(Account, Account.id == Line.account_id)
            .where(Account.kind.in_((REVENUE, EXPENSE)), Line.date >= first, Line.date <= end)
            .group_by(line))
    if unit_ids is not None:
        acct = acct.where(Line.unit_id.in_(unit_ids))
    acct = acct.subquery("acct")
    part_of = {ln.key: ln.part for ln in IS_LINES if ln.part}
    part = case(*((acct.c.line == k, literal(v)) for k, v in part_of.items()), else_=literal("op_out"))
    operating = case((part.in_(("op_in", "op_out")), literal("operating")), else_=literal("-"))
    pre_tax = case((part.in_(("op_in", "op_out", "nonop_in", "nonop_out")), literal("total")),
                   else_=literal("-"))
    g = _grouped(session, select(acct, operating.label("operating"), pre_tax.label("pre_tax"),
                                 literal("net").label("net")).subquery("is"),
                 {"line": "line", "operating": "operating", "pre_tax": "pre_tax", "net": "net"},
                 ["period", "ytd"])
    zero = {"period": ZERO, "ytd": ZERO}
    computed = {"operating_profit": ("operating", "operating"), "total_profit": ("pre_tax", "total"),
                "net_profit": ("net", "net")}
    rows = []
    for ln in IS_LINES:
        if ln.computed:
            rows.append((ln.label, ln.key, g.get(computed[ln.key], zero), True, 0))
            continue
        v = g.get(("line", ln.key), zero)
        if ln.part.endswith("_out"):  # shown as the expense it is
            v = {k: -x for k, x in v.items()}
        rows.append((ln.label, ln.key, v, False, 1))
    return Statement(_l("Income statement"), (("period", _l("Amount for the period")),
                                              ("ytd", _l("Year to date"))),
                     rows, start=start, end=end)


def default_period(today: date) -> tuple[date, date]:
    """This month up to today."""
    return today.replace(day=1), today



def unit_scope(user):
    """The org units whose lines a reader of finance reports sees: all for a
    company-wide role, else the lines counted for their unit and below."""
    from core.access import subtree_ids

    return None if getattr(user, "scope", None) == "all" else subtree_ids(user.org_unit_id)


def parse_range(record_id: str) -> tuple[date, date]:
    """``2026-03-01_2026-03-31`` (a PDF's record id) → the two days."""
    try:
        a, b = str(record_id).split("_", 1)
        return date.fromisoformat(a), date.fromisoformat(b)
    except ValueError:
        raise ServiceError(_l("A period is written as two dates.")) from None
