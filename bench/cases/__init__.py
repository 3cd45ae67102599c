"""The benchmark cases, in the order they run.  Each module has ``TITLE``
and ``run(ctx) -> list[Row]``."""
from __future__ import annotations

import importlib

CASES = ("trivial_page", "customer_list", "aged_receivables", "customer_import",
         "statement_pdf", "month_end", "anniversaries", "custom_contract_pdf", "rm_league",
         "banking_maturities", "bank_overdue", "key_accounts", "rm_activity_post",
         "trial_balance", "customer_picker")


def load(name: str):
    if name not in CASES:
        raise KeyError(f"no benchmark case {name!r}; known: {', '.join(CASES)}")
    return importlib.import_module(f"bench.cases.{name}")
