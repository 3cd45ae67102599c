"""The plugin host refuses bad plugin sets at start-up, naming the culprits."""
import types

import pytest
from pluggy import PluginValidationError

from core.app import create_app
from core.hookspecs import hookimpl
from core.plugins import PluginError, PluginHost, topo_order
from core.registry import Manifest


def _module(name: str, depends=(), **hooks) -> types.ModuleType:
    mod = types.ModuleType(f"qudao_test_{name}")
    mod.MANIFEST = Manifest(name, name, name, "0.1", depends=tuple(depends))
    for hook_name, fn in hooks.items():
        setattr(mod, hook_name, hookimpl(fn))
    return mod


def _manifests(**deps) -> dict[str, Manifest]:
    return {n: Manifest(n, n, n, "1", depends=tuple(d)) for n, d in deps.items()}


def test_dependencies_come_first():
    order = topo_order(_manifests(core=(), dealers=("customers", "finance"),
                                  finance=("customers",), customers=()))
    assert order.index("customers") < order.index("finance") < order.index("dealers")
    assert order[0] == "core"


def test_missing_dependency_is_refused_by_name():
    with pytest.raises(PluginError) as e:
        topo_order(_manifests(core=(), dealers=("customers", "warehouse"), customers=()))
    assert "dealers" in str(e.value) and "warehouse" in str(e.value)
    assert e.value.names == ["warehouse"]


def test_cyclic_dependency_is_refused_naming_the_cycle():
    with pytest.raises(PluginError) as e:
        topo_order(_manifests(core=(), a=("b",), b=("c",), c=("a",), d=()))
    msg = str(e.value)
    assert "cyclic" in msg and all(n in msg for n in ("a", "b", "c"))
    assert "d" not in e.value.names


def test_the_real_plugins_have_the_issue_dependencies():
    host = PluginHost()
    deps = {n: set(m.depends) for n, m in host.manifests.items()}
    assert deps["finance"] == {"customers"}
    assert deps["dealers"] == {"customers", "finance"}
    assert deps["stores_demo"] == {"customers", "finance"}
    assert deps["banking_rm"] == {"customers"}
    assert set(host.dependants("customers")) == {"finance", "dealers", "stores_demo", "banking_rm"}


def test_misspelt_hookimpl_fails_at_start_up():
    typo = _module("typo", menu_itmes=lambda menu, user: [])
    with pytest.raises(PluginValidationError) as e:
        PluginHost(extra=[typo])
    assert "menu_itmes" in str(e.value)


def test_hookimpl_with_unknown_argument_fails_at_start_up():
    bad = _module("badargs", menu_items=lambda menu, usr: [])
    with pytest.raises(PluginValidationError):
        PluginHost(extra=[bad])


def test_a_well_formed_extra_plugin_is_accepted():
    good = _module("good", ("customers",), menu_items=lambda menu, user: [])
    host = PluginHost(extra=[good])
    assert host.order.index("customers") < host.order.index("good")


def test_extra_plugin_with_missing_dependency_is_refused():
    orphan = _module("orphan", ("nowhere",))
    with pytest.raises(PluginError) as e:
        PluginHost(extra=[orphan])
    assert "orphan" in str(e.value) and "nowhere" in str(e.value)


def test_same_plugin_installed_twice_is_refused():
    with pytest.raises(PluginError) as e:
        PluginHost(extra=[_module("customers")])
    assert "customers" in str(e.value)


def test_plugin_module_without_manifest_is_refused():
    with pytest.raises(PluginError):
        PluginHost(extra=[types.ModuleType("qudao_no_manifest")])


def test_app_does_not_start_with_a_misspelt_hookimpl(tmp_path):
    typo = _module("typo2", register_permisions=lambda: [])
    with pytest.raises(PluginValidationError):
        create_app({"DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
                    "SECRET_KEY": "t", "EXTRA_PLUGINS": [typo]})


def test_foreign_permission_is_refused(tmp_path):
    from core.registry import Permission

    cfg = {"DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/x.db",
           "SECRET_KEY": "t"}
    thief = _module("thief", register_permissions=lambda: [Permission("customers.steal", "x")])
    with pytest.raises(PluginError) as e:
        create_app({**cfg, "EXTRA_PLUGINS": [thief]})
    assert "customers.steal" in str(e.value)
