"""stores_demo tests run with only their dependencies enabled."""
from __future__ import annotations

import pytest


@pytest.fixture
def enabled_plugins():
    return ["customers", "finance", "stores_demo"]
