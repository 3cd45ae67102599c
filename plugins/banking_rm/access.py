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
from .models.retail import BankImportantDate  # noqa: E402  (retail-client area)

BY_CUSTOMER += (BankImportantDate,)


def scope_rules(model, user, action) -> list:
    if model in BY_CUSTOMER:
        return [model.customer_id.in_(customer_ids_for(user, action))]
    if model in ACTIVITY_RULES:
        return ACTIVITY_RULES[model](user, action)
    return []


def _referral_rule(user, action) -> list:
    """A referral is seen by its referrer and its receiver; the branch head
    (SUPERVISE) sees the branch's (core's default rule: org_unit_id)."""
    from sqlalchemy import or_

    from .declarations import SUPERVISE
    from .models import BankReferral

    if user.scope == "all" or SUPERVISE in user.permission_codes:
        return []
    return [or_(BankReferral.referrer_id == user.id, BankReferral.receiver_id == user.id)]


def _stage_move_rule(user, action) -> list:
    from .models import BankStageMove

    return [BankStageMove.customer_id.in_(customer_ids_for(user, action))]


def _activity_rules() -> dict:
    from .models import BankReferral, BankStageMove

    return {BankReferral: _referral_rule, BankStageMove: _stage_move_rule}


ACTIVITY_RULES = _activity_rules()
