"""Row access for the plugin's child rows: they follow their customer."""
from __future__ import annotations

from core.access import parent_ids

from .models import CHILD_MODELS, Customer


def scope_rules(model, user, action) -> list:
    if model in CHILD_MODELS:
        return [model.customer_id.in_(parent_ids(Customer, user, action))]
    return []
