"""A plugin that is installed but offers no features yet: a manifest and no
hook implementations.  The host must never enable it, list it as available
or show it as enabled."""
from core.registry import Manifest

MANIFEST = Manifest(
    name="qdunbuilt",
    label_zh="未建插件",
    label_en="Unbuilt plugin",
    version="0.0.1",
    depends=("customers",),
    description="Core's test plugin that offers nothing yet.",
)
