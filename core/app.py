"""The application factory: ``create_app(config=None)`` wires everything.

Importing this module does nothing; no app, session or plugin manager lives
on a module global.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from sqlalchemy import event as sa_event

from . import audit, events, state_cache
from .config import load_config
from .db import Database
from .inputs import IdConverter, QudaoRequest
from .plugins import CORE, PluginError, PluginHost
from .registry import Permission, SequenceSpec, SettingSpec
from .state_cache import StateCache

class QudaoFlask(Flask):
    """Flask with the request class that cleans query and form values."""

    #: Query and form values cleaned of invisible characters (core.inputs).
    request_class = QudaoRequest


@dataclass
class Qudao:
    """Everything the platform keeps per app: ``app.extensions["qudao"]``."""

    config: dict
    db: Database
    host: PluginHost
    permissions: dict[str, Permission] = field(default_factory=dict)
    settings: dict[str, SettingSpec] = field(default_factory=dict)
    sequences: dict[str, SequenceSpec] = field(default_factory=dict)
    roles: dict[str, Any] = field(default_factory=dict)
    documents: dict[str, Any] = field(default_factory=dict)
    job_handlers: dict[str, Any] = field(default_factory=dict)
    models: dict[str, list] = field(default_factory=dict)
    #: ``{table: AuditLabels}``: the change history's names (core.auditview).
    audit_labels: dict[str, Any] = field(default_factory=dict)
    jobs: Any = None  # the job runner, set by core.jobs
    pdf: Any = None  # the PDF renderer, set by core.documents
    #: Per-process cache of users and the enabled set (core.state_cache).
    state: Any = None
    #: Flask-Babel's domain (core.i18n.CatalogueDomain).
    babel_domain: Any = None


def _collect_registries(ext: Qudao) -> None:
    """Gather what every installed plugin declares; refuse duplicates and
    names outside the plugin's own namespace."""
    host = ext.host
    for name in host.order:
        one = host.pm.subset_hook_caller(
            "register_permissions", [host.modules[n] for n in host.order if n != name]
        )
        for perms in one():
            for p in perms or ():
                if p.code in ext.permissions:
                    raise PluginError(f"permission {p.code!r} declared twice")
                if host.plugin_of(p.code) != name:
                    raise PluginError(f"plugin {name!r} declares foreign permission {p.code!r}")
                ext.permissions[p.code] = p
    hooks = host.all_hooks()
    for spec in hooks.flat("register_settings"):
        if spec.key in ext.settings:
            raise PluginError(f"setting {spec.key!r} declared twice")
        ext.settings[spec.key] = spec
    for spec in hooks.flat("register_sequences"):
        if spec.key in ext.sequences:
            raise PluginError(f"sequence {spec.key!r} declared twice")
        ext.sequences[spec.key] = spec
    for spec in hooks.flat("register_roles"):
        ext.roles[spec.name] = spec
    for handlers in hooks.register_job_handlers():
        for kind, fn in (handlers or {}).items():
            if kind in ext.job_handlers:
                raise PluginError(f"job handler {kind!r} declared twice")
            ext.job_handlers[kind] = fn
    for spec in hooks.flat("register_audit_labels"):
        ext.audit_labels[spec.table] = spec
    for spec in hooks.flat("register_documents"):
        if spec.name in ext.documents:
            raise PluginError(f"document {spec.name!r} declared twice")
        ext.documents[spec.name] = spec
    for name in host.order:
        one = host.pm.subset_hook_caller(
            "register_models", [host.modules[n] for n in host.order if n != name]
        )
        models = [m for res in one() for m in (res or ())]
        for m in models:
            prefix = "core_" if name == CORE else name + "_"
            if not m.__tablename__.startswith(prefix):
                raise PluginError(
                    f"plugin {name!r}: table {m.__tablename__!r} must start with {prefix!r}"
                )
        ext.models[name] = models


def translation_dirs(host: PluginHost) -> str:
    dirs = []
    for name in host.order:
        file = getattr(host.modules[name], "__file__", None)
        d = Path(file).parent / "translations" if file else None
        if d is not None and d.is_dir():
            dirs.append(str(d))
    return ";".join(dirs)


def create_app(config: dict | None = None) -> Flask:
    cfg = load_config(config)
    app = QudaoFlask(__name__, instance_path=cfg["DATA_DIR"])
    app.config.update(cfg)
    app.url_map.converters["int"] = IdConverter  # before any route: ids out of range 404
    if cfg.get("PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        n = int(cfg["PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    extra = [importlib.import_module(m) if isinstance(m, str) else m
             for m in cfg.get("EXTRA_PLUGINS") or ()]
    host = PluginHost(only=cfg.get("PLUGINS"), extra=extra)
    db = Database(cfg["DATABASE_URL"])
    ext = Qudao(config=cfg, db=db, host=host)
    ext.state = StateCache(cfg["DATA_DIR"], max_age=float(cfg.get("STATE_CACHE_SECONDS", 60)))
    db.Session.configure(ext=ext)
    audit.install(db.Session)
    events.install(db.Session)
    state_cache.install(db.Session)
    _collect_registries(ext)
    for name, listener in host.all_hooks().flat("register_session_events"):
        sa_event.listen(db.Session, name, listener)
    app.extensions["qudao"] = ext

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translation_dirs(host)
    from .auth import QudaoCSRFProtect
    from .i18n import CatalogueDomain, select_timezone
    from .web.locale import select_locale_parsed

    babel = Babel(app, locale_selector=select_locale_parsed, timezone_selector=select_timezone)
    babel.domain_instance = ext.babel_domain = CatalogueDomain()
    QudaoCSRFProtect(app)

    # Templates get ``current_user`` from core.web.frame's context processor.
    login = LoginManager(app, add_context_processor=False)
    login.login_view = "auth.login"
    login.session_protection = "strong"
    from .auth import load_user

    login.user_loader(load_user)

    from . import filters, versions
    from .auth import bp as auth_bp
    from .documents.install import install as install_documents
    from .jobs.install import install as install_jobs
    from .views import admin_bp, core_bp
    from .web import pipeline

    pipeline.install(app)
    app.jinja_env.globals.update(versions.TEMPLATE_GLOBALS)
    filters.install(app)
    app.register_blueprint(core_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(admin_bp)
    install_documents(app)
    install_jobs(app)
    from .web import privacy as web_privacy

    web_privacy.install(app)
    core_blueprints = set(app.blueprints)
    for bps in host.all_hooks().register_blueprints(app=app):
        for bp in bps or ():
            app.register_blueprint(bp)
    _check_blueprints(app, host, core_blueprints)

    # Every installed plugin adds its commands to ``app.cli`` (the ``qudao``
    # command, core.cli, builds the app through this factory).
    host.all_hooks().register_commands(cli=app.cli)
    _load_zone(db)
    return app


def _load_zone(db: Database) -> None:
    """The company's time zone for code without a request (the CLI, job
    workers); requests read it again (``core.clock``)."""
    from . import clock, settings

    try:
        with db.session() as s:
            settings.load_zone(s)
    except Exception:  # noqa: BLE001 - a database not set up yet: the default
        clock.set_zone(clock.DEFAULT_ZONE)


def _check_blueprints(app: Flask, host: PluginHost, core_blueprints: set[str]) -> None:
    """Names match everywhere: plugin ``x`` owns blueprint ``x`` at ``/x``."""
    for name, bp in app.blueprints.items():
        if name in core_blueprints:
            continue
        owner = host.plugin_of(name)
        if owner not in host.manifests or name != owner:
            raise PluginError(f"blueprint {name!r} does not belong to an installed plugin")
        if (bp.url_prefix or "").rstrip("/") != "/" + name:
            raise PluginError(f"blueprint {name!r} must be mounted at /{name}")
