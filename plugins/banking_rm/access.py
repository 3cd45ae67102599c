"""Row access: every customer row follows its customer, so a wealth manager
sees exactly the holdings, activities … of the customers they may see.
The branch's reference data (campaigns, gift stock, templates) is shared."""
from __future__ import annotations

from plugins.customers.api import customer_ids_for

from .models import BankActivity, BankHolding, BankRetailProfile
from .models import care as _care

#: models with a ``customer_id`` column whose rows follow the customer
BY_CUSTOMER: tuple = (BankRetailProfile, BankHolding, BankActivity)
BY_CUSTOMER += (_care.BankCareTask, _care.BankHoldingWatch, _care.BankSpecialDate, _care.BankCheckup,
                _care.BankValuePlan, _care.BankGift, _care.BankApproval)


def scope_rules(model, user, action) -> list:
    if model in BY_CUSTOMER:
        return [model.customer_id.in_(customer_ids_for(user, action))]
    return []
