"""Row access: every customer row follows its customer, so a wealth manager
sees exactly the holdings, activities … of the customers they may see.
The branch's reference data (campaigns, gift stock, templates) is shared."""
from __future__ import annotations

from plugins.customers.api import customer_ids_for

from .models import BankActivity, BankHolding, BankRetailProfile

#: models with a ``customer_id`` column whose rows follow the customer
BY_CUSTOMER: tuple = (BankRetailProfile, BankHolding, BankActivity)
from .models.retail import BankImportantDate  # noqa: E402  (retail-client area)

BY_CUSTOMER += (BankImportantDate,)


def scope_rules(model, user, action) -> list:
    if model in BY_CUSTOMER:
        return [model.customer_id.in_(customer_ids_for(user, action))]
    return []
