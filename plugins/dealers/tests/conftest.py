"""Dealers tests run with only their dependencies enabled."""
from __future__ import annotations

import pytest

from .helpers import DealerWorld


@pytest.fixture
def enabled_plugins():
    return ["customers", "finance", "dealers"]


@pytest.fixture
def world(app, make_user, make_org):
    """An office (manager, two salespeople, finance), a second office, two
    products on a price list, and one active dealer per salesperson with a
    terminal each."""
    return DealerWorld.build(app, make_user, make_org)
