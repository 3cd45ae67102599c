"""docs/plugins.md documents every hookspec with its exact signature."""
import inspect
import re
from pathlib import Path

from core import hookspecs

DOC = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"
HEADING = re.compile(r"^### `(\w+)\(([^)]*)\)`\s*$", re.M)


def _specs() -> dict[str, str]:
    out = {}
    for name, fn in vars(hookspecs).items():
        if inspect.isfunction(fn) and hasattr(fn, "qudao_spec"):
            out[name] = ", ".join(inspect.signature(fn).parameters)
    return out


def _hook_reference(text: str) -> str:
    """The '## Hook reference' section of the guide."""
    start = text.index("## Hook reference")
    end = text.find("\n## ", start + 1)
    return text[start:] if end == -1 else text[start:end]


def _documented(text: str) -> dict[str, str]:
    return {m.group(1): ", ".join(a.strip() for a in m.group(2).split(",") if a.strip())
            for m in HEADING.finditer(_hook_reference(text))}


def _problems(text: str) -> list[str]:
    documented = _documented(text)
    problems = []
    for name, args in sorted(_specs().items()):
        if name not in documented:
            problems.append(f"{name}: no '### `{name}({args})`' heading in docs/plugins.md")
        elif documented[name] != args:
            problems.append(f"{name}: documented as ({documented[name]}), spec is ({args})")
    for name in sorted(set(documented) - set(_specs())):
        problems.append(f"{name}: documented but there is no such hookspec")
    return problems


def test_there_are_hookspecs_to_check():
    assert {"menu_items", "scope_query", "register_blueprints"} <= set(_specs())


def test_every_hook_is_documented_with_its_exact_signature():
    assert _problems(DOC.read_text(encoding="utf-8")) == []


def test_an_undocumented_or_misdocumented_hook_is_caught():
    text = DOC.read_text(encoding="utf-8")
    without = text.replace("### `scope_query(model, user, action)`", "### scope query")
    assert any(p.startswith("scope_query: no") for p in _problems(without))
    wrong = text.replace("### `menu_items(menu, user)`", "### `menu_items(menu)`")
    assert any(p.startswith("menu_items: documented as (menu)") for p in _problems(wrong))


def test_every_hookspec_says_what_it_returns():
    missing = [n for n in _specs() if not (getattr(hookspecs, n).__doc__ or "").strip()]
    assert missing == []
