from core.hookspecs import hookimpl
from core.registry import Manifest, MenuItem, Permission, SequenceSpec, Widget

MANIFEST = Manifest(
    name="qdtest",
    label_zh="测试便笺",
    label_en="Test notes",
    version="0.0.1",
    description="Core's test plugin.",
)


@hookimpl
def register_models():
    from .models import Note

    return [Note]


@hookimpl
def register_blueprints(app):
    from .views import bp

    return [bp]


@hookimpl
def register_permissions():
    return [
        Permission("qdtest.view", "View test notes", ("manager", "salesperson", "auditor")),
        Permission("qdtest.edit", "Edit test notes", ("manager", "salesperson")),
    ]


@hookimpl
def register_sequences():
    return [SequenceSpec("qdtest.note", "N/{year}/{n:04}", "Test note")]


@hookimpl
def menu_items(menu, user):
    if menu == "main":
        return [MenuItem("测试便笺", "qdtest.index", 50, "qdtest.view")]
    return []


@hookimpl
def dashboard_widgets(session, user):
    return [Widget("Test notes", "qdtest/widget.html", {"hello": "你好"}, sequence=500)]
