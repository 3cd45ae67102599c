"""Core's page CSS never lays out an element through a plain class name a
plugin may also use (issue 21, item 21: the dealers' input tables carried their
own class ``grid`` and picked up core's ``display:grid``)."""
from __future__ import annotations

import re
from pathlib import Path

CSS = Path(__file__).resolve().parents[1] / "core" / "static" / "core" / "qudao.css"
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
# a selector part that is a bare class: `.grid`, `.grid > span` (not `table.list`)
BARE_CLASS = re.compile(r"(?:^|[\s>+~,(])\.([A-Za-z][\w-]*)")


def layout_classes(css: str) -> set[str]:
    """Classes that core's CSS gives a display:grid or display:flex through a
    bare class selector."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    css = re.sub(r"@media[^{]*\{", "", css)
    out = set()
    for selectors, body in RULE.findall(css):
        if not re.search(r"display\s*:\s*(grid|flex|inline-flex|inline-grid)", body):
            continue
        for sel in selectors.split(","):
            last = sel.strip().split()[-1] if sel.strip() else ""
            m = BARE_CLASS.match(" " + last)
            if m and last.startswith("."):
                out.add(m.group(1))
    return out


def test_every_core_layout_class_is_namespaced():
    classes = layout_classes(CSS.read_text(encoding="utf-8"))
    assert {"qd-grid", "qd-toolbar", "qd-tabs", "qd-pager", "qd-layout"} <= classes
    assert not [c for c in classes if not c.startswith("qd-")], classes


def test_the_parser_finds_a_plain_layout_class():
    assert layout_classes(".grid { display:grid; } table.list { display:block; }") == {"grid"}
    assert layout_classes("@media (x) { .a, .qd-b { display:flex; } }") == {"a", "qd-b"}


def test_no_template_uses_a_retired_core_class_for_layout():
    root = CSS.parents[3]
    old = re.compile(r'<(?!table|line)(\w+)[^<>]*\bclass="(?:[^"]* )?(grid|toolbar|tabs|pager|layout)(?: [^"]*)?"')
    hits = []
    for path in list((root / "core" / "templates").rglob("*.html")) + list((root / "plugins").rglob("*.html")):
        if "/pdf/" in path.as_posix():
            continue
        hits += [f"{path.relative_to(root)}: {m.group(0)[:60]}" for m in old.finditer(path.read_text(encoding="utf-8"))]
    assert not hits, hits
