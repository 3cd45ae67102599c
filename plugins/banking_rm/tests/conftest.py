"""banking_rm tests run with only their dependencies enabled."""
from __future__ import annotations

import pytest


@pytest.fixture
def enabled_plugins():
    return ["customers", "banking_rm"]


@pytest.fixture
def branch(app, make_user, make_org):
    from .helpers_activity import Branch

    return Branch.build(app, make_user, make_org)
