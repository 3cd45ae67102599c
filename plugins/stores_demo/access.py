"""Row access: every key-account row follows its account (a customer), so a
developer sees exactly the visits, orders … of the customers they may see.
Reference data of the store (pieces, gold prices, templates) is shared."""
from __future__ import annotations

from plugins.customers.api import customer_ids_for

from .models import StoresDemoCustomOrder, StoresDemoService
from .models.anniversaries import StoresDemoFit, StoresDemoImportantDate
from .models.development import DEVELOPMENT_MODELS

#: models with a ``customer_id`` column whose rows follow the customer
BY_CUSTOMER: tuple = ()
BY_CUSTOMER += DEVELOPMENT_MODELS  # plans, visits, receptions, expense claims
BY_CUSTOMER += (StoresDemoImportantDate, StoresDemoFit)
BY_CUSTOMER += (StoresDemoCustomOrder, StoresDemoService)  # custom orders, after-sale


def _by_customer() -> tuple:
    from .models.accounts import StoresDemoAccount, StoresDemoContact, StoresDemoStageMove

    return (StoresDemoAccount, StoresDemoStageMove, StoresDemoContact)


def scope_rules(model, user, action) -> list:
    if model in BY_CUSTOMER or model in _by_customer():
        return [model.customer_id.in_(customer_ids_for(user, action))]
    return []
