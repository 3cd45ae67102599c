"""Everything the `finance` plugin registers, in one place: permissions,
settings, numbering sequences, menus, PDF documents, job handlers and
session listeners.  ``plugin.py``'s hookimpls return these; the code they
point at lives in the plugin's other modules."""
from __future__ import annotations

from decimal import Decimal

from core.i18n import _l
from core.registry import DocumentSpec, MenuItem, Permission, SequenceSpec, SettingSpec

from .services.chart import JOURNAL_CODES

PERMISSIONS = (
    Permission("finance.view", _l("See receivables, invoices, payments and statements of visible customers"),
               ("manager", "salesperson", "finance", "auditor")),
    Permission("finance.ledger", _l("See the general ledger, journals and the hash chain"),
               ("finance", "auditor")),
    Permission("finance.post_invoice", _l("Post invoices"), ("finance",)),
    Permission("finance.post_payment", _l("Record money received"), ("finance",)),
    Permission("finance.credit_note", _l("Post credit notes"), ("finance",)),
    Permission("finance.journal_entry", _l("Post general entries and reversals"), ("finance",)),
    Permission("finance.lock", _l("Move the lock date"), ("finance",)),
    Permission("finance.accounts", _l("Manage the chart of accounts"), ()),
    Permission("finance.manage_credit", _l("Set credit lines and payment terms"), ("finance",)),
    Permission("finance.credit_override", _l("Override a credit block with a reason"), ("manager",)),
    Permission("finance.rebate_claim", _l("Prepare and submit rebate claims"),
               ("salesperson", "manager")),
    Permission("finance.rebate_approve", _l("Approve or reject rebate claims"), ("manager",)),
    Permission("finance.rebate_redeem", _l("Redeem approved rebates"), ("finance",)),
    Permission("finance.statement_issue", _l("Issue monthly statements"), ("finance",)),
    Permission("finance.statement_answer", _l("Record a customer's answer to a statement"),
               ("finance", "salesperson", "manager")),
    Permission("finance.dispute_resolve", _l("Resolve statement disputes"), ("finance",)),
    Permission("finance.budget", _l("Set budgets"), ("manager", "finance")),
    Permission("finance.accrual", _l("Post month-end accruals"), ("finance",)),
    Permission("finance.import", _l("Import opening balances"), ("finance",)),
)

SETTINGS = (
    SettingSpec("finance.overdue_block_days", "int", 30,
                _l("Block new orders when an invoice is overdue by more than (days)"),
                minimum=0, maximum=365),
    SettingSpec("finance.auto_apply_credits", "bool", True,
                _l("Apply prepayments and credits to the oldest open invoices automatically")),
    SettingSpec("finance.rebate_redeem_days", "int", 30,
                _l("Rebates should be redeemed within (days of approval)"), minimum=1, maximum=365),
    SettingSpec("finance.statement_locale", "choice", "zh_CN", _l("Statement language"),
                choices=(("zh_CN", "中文"), ("en", "English"))),
    # services/tax.py: VAT (issue 21 §15).
    SettingSpec("finance.default_tax_rate", "choice", "13",
                _l("VAT rate of a new invoice line unless chosen"),
                choices=(("13", "13%"), ("9", "9%"), ("6", "6%"), ("3", "3%"), ("0", "0%"),
                         ("exempt", _l("Tax exempt")))),
    SettingSpec("finance.prices_include_tax", "bool", True,
                _l("Unit prices are entered including VAT (each invoice may say otherwise)")),
    SettingSpec("finance.default_invoice_type", "choice", "slip",
                _l("Invoice type of a new invoice unless chosen"),
                choices=(("slip", _l("Sales slip (not a tax invoice)")),
                         ("general", _l("General VAT invoice")),
                         ("special", _l("Special VAT invoice")))),
    # The statement's payment details and seal line (issue 21).
    SettingSpec("finance.bank_name", "str", "", _l("Bank for customer payments"),
                _l("Printed on statements with the account below, e.g. 中国工商银行杭州分行营业部.")),
    SettingSpec("finance.bank_account_name", "str", "",
                _l("Account name for customer payments"),
                _l("Blank: the company name.")),
    SettingSpec("finance.bank_account", "str", "", _l("Account number for customer payments")),
    # services/limits.py: the sanity bounds of what reaches the books (issue 20).
    SettingSpec("finance.post_days_ahead", "int", 31,
                _l("Latest posting date accepted (days after today)"), minimum=0, maximum=366),
    SettingSpec("finance.max_amount", "decimal", Decimal("1000000000.00"),
                _l("Largest amount of one document or line"),
                minimum=Decimal("0.01"), maximum=Decimal("9999999999999999.99")),
    SettingSpec("finance.max_quantity", "decimal", Decimal("1000000"),
                _l("Largest quantity of one invoice or rebate line"),
                minimum=Decimal("0.001"), maximum=Decimal("999999999999999")),
)

#: Document numbers besides the journals.
DOC_SEQUENCES = (
    ("finance.rebate_claim", "REB/{year}/{n:05}", _l("Rebate claims")),
    ("finance.statement", "STM/{year}/{n:05}", _l("Statements")),
)


def sequences() -> list[SequenceSpec]:
    out = [SequenceSpec(f"finance.{code}", code + "/{year}/{n:05}", code) for code in JOURNAL_CODES]
    out += [SequenceSpec(k, p, label) for k, p, label in DOC_SEQUENCES]
    return out


def menus(menu_name: str) -> list[MenuItem]:
    if menu_name == "main":
        return [MenuItem(_l("Finance"), "finance.index", 40, "finance.view")]
    if menu_name == "finance":
        return [
            MenuItem(_l("Overview"), "finance.index", 10, "finance.view"),
            MenuItem(_l("Invoices"), "finance.invoices", 20, "finance.view"),
            MenuItem(_l("Payments"), "finance.payments", 30, "finance.view"),
            MenuItem(_l("Credit notes"), "finance.credit_notes", 40, "finance.view"),
            MenuItem(_l("Credit control"), "finance.credit_list", 50, "finance.view"),
            MenuItem(_l("Rebates"), "finance.rebates", 60, "finance.view"),
            MenuItem(_l("Statements"), "finance.statements", 70, "finance.view"),
            MenuItem(_l("Aged receivables"), "finance.aging", 80, "finance.view"),
            MenuItem(_l("Budgets"), "finance.budgets", 90, "finance.view"),
            MenuItem(_l("Ledger"), "finance.entries", 100, "finance.ledger"),
            MenuItem(_l("Financial reports"), "finance.trial_balance", 110, "finance.ledger"),
        ]
    return []


def documents() -> list[DocumentSpec]:
    from .documents import (
        AGING_PAGING,
        STATEMENT_PAGING,
        aging_context,
        balance_sheet_context,
        income_statement_context,
        invoice_context,
        rebate_notice_context,
        receipt_context,
        statement_context,
        trial_balance_context,
    )
    from .models import Invoice, Payment, RebateClaim, Statement

    return [
        DocumentSpec("finance.statement", _l("Statement of account"), "finance/pdf/statement.html",
                     statement_context, "finance.statement_issue", model=Statement,
                     paging=STATEMENT_PAGING),
        DocumentSpec("finance.invoice", _l("Sales slip"), "finance/pdf/invoice.html",
                     invoice_context, "finance.view", model=Invoice),
        DocumentSpec("finance.receipt", _l("Receipt"), "finance/pdf/receipt.html",
                     receipt_context, "finance.view", model=Payment),
        DocumentSpec("finance.rebate_notice", _l("Rebate settlement notice"),
                     "finance/pdf/rebate_notice.html", rebate_notice_context, "finance.view",
                     model=RebateClaim),
        DocumentSpec("finance.aging_report", _l("Aged receivables"), "finance/pdf/aging.html",
                     aging_context, "finance.view", paging=AGING_PAGING),
        # Reports from the ledger: record id = the period or the day (issue 21, item 16).
        DocumentSpec("finance.trial_balance", _l("Trial balance"), "finance/pdf/trial_balance.html",
                     trial_balance_context, "finance.ledger"),
        DocumentSpec("finance.balance_sheet", _l("Balance sheet"), "finance/pdf/statement_report.html",
                     balance_sheet_context, "finance.ledger"),
        DocumentSpec("finance.income_statement", _l("Income statement"),
                     "finance/pdf/statement_report.html", income_statement_context, "finance.ledger"),
    ]


def job_handlers() -> dict:
    from .batch import STATEMENT_BATCH, STATEMENT_CHUNK, statement_batch, statement_chunk
    from .services.imports import OPENING_JOB, opening_import_job

    return {STATEMENT_BATCH: statement_batch, STATEMENT_CHUNK: statement_chunk,
            OPENING_JOB: opening_import_job}


def session_events() -> list:
    """Chart ids cached in ``session.info`` are dropped on any rollback, so ids
    seeded in a rolled-back transaction are never reused."""
    from .services.chart import drop_cache_on_rollback

    return [("after_soft_rollback", drop_cache_on_rollback)]
