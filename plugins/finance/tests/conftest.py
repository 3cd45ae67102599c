"""Finance tests run with only their dependencies enabled."""
from __future__ import annotations

import pytest

from .helpers import FinanceWorld


@pytest.fixture
def enabled_plugins():
    return ["customers", "finance"]


@pytest.fixture
def world(app, make_user, make_org):
    """An office with a manager, two salespeople, a finance clerk and
    customers owned by each salesperson."""
    return FinanceWorld.build(app, make_user, make_org)
