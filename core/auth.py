"""Login, logout and the user's own account page.

Sessions are reset at login; a per-user ``session_token`` inside the login
cookie is rotated at logout and on password or role change, so old cookies
stop working on the server side.  Failed logins slow down the client that
made them — per (account, address) and per address — with a growing wait,
counted in the database so every worker agrees; the real user elsewhere
signs in as usual (issue 20).
"""
from __future__ import annotations

from datetime import timedelta
from math import ceil

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import delete, func, select
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from . import versions
from .db import utcnow
from .models import LoginAttempt, SignIn, User
from .security import hash_password, needs_rehash, safe_next, verify_password
from .versions import VersionField
from .web.decorators import login_required
from .web.frame import render_kept
from .web.request import db_session, ext, signed_in, state_version
from .web.user import CachedUser

bp = Blueprint("auth", __name__)

MIN_PASSWORD = 8


class QudaoCSRFProtect(CSRFProtect):
    """Flask-WTF's protection, which checks the method only after looking
    up the endpoint's exemption: a request whose method is not checked
    (``WTF_CSRF_METHODS``: every method but GET, HEAD, OPTIONS and TRACE)
    returns at once — the same outcome, without the lookups."""

    def protect(self, apply_exemptions=False):
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return None
        return super().protect(apply_exemptions)


def load_user(token: str):
    """Flask-Login's loader: the signed-in user as a ``CachedUser``, from the
    per-process cache when nothing changed (no query), else from the
    database (see ``core.state_cache``)."""
    try:
        uid, tok = token.split(":", 1)
        uid_int = int(uid)
    except ValueError:
        return None
    state = ext().state
    version = state_version()
    key = (uid_int, tok)
    cached = state.user(key)
    if cached is not None:
        return cached
    user = db_session().get(User, uid_int)
    if user is None or not user.active or user.session_token != tok:
        return None
    cached = CachedUser.of(user)
    state.put_user(version, key, cached)
    return cached


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


LANGUAGES = [("zh_CN", "中文"), ("en", "English")]


class AccountForm(FlaskForm):
    version = VersionField()
    full_name = StringField(_l("Full name"), validators=[Length(max=120)])
    locale = SelectField(_l("Language"), choices=LANGUAGES)


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=MIN_PASSWORD, max=256)]
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The passwords do not match"))],
    )


def _client_ip() -> str:
    return request.remote_addr or "?"


def _backoff(failures: int, free: int, last, now, cfg) -> int:
    """Seconds still to wait after ``failures`` failures, the last at
    ``last``: none for the first ``free``, then LOGIN_DELAY_SECONDS doubling
    with each further failure, at most LOGIN_MAX_DELAY_SECONDS."""
    if failures < free or last is None:
        return 0
    delay = min(cfg["LOGIN_DELAY_SECONDS"] * 2 ** min(failures - free, 32),
                cfg["LOGIN_MAX_DELAY_SECONDS"])
    return max(0, ceil(delay - (now - last).total_seconds()))


def throttle_wait(s, username: str, ip: str, before_id: int | None = None) -> int:
    """Seconds this client must wait before its next try at ``username``
    (0: go ahead).  Counted per (account, client address) — failures from
    elsewhere never hold the real user back — and per address across
    accounts (password spraying), from the failures in the database (every
    worker agrees) earlier than attempt ``before_id``."""
    cfg = current_app.config
    now = utcnow()
    since = now - timedelta(seconds=cfg["LOGIN_WINDOW_SECONDS"])
    recent = [LoginAttempt.ip == ip, LoginAttempt.at >= since]
    if before_id is not None:
        recent.append(LoginAttempt.id < before_id)
    n, last = s.execute(select(func.count(), func.max(LoginAttempt.at))
                        .where(LoginAttempt.username == username, *recent)).one()
    wait = _backoff(n, cfg["LOGIN_FREE_FAILURES"], last, now, cfg)
    n, last = s.execute(select(func.count(), func.max(LoginAttempt.at)).where(*recent)).one()
    return max(wait, _backoff(n, cfg["LOGIN_MAX_FAILURES_IP"], last, now, cfg))


def _wait_message(seconds: int) -> str:
    if seconds >= 120:
        return _("Too many failed sign-ins from your address. Please wait %(n)d minutes and "
                 "try again.", n=ceil(seconds / 60))
    return _("Too many failed sign-ins from your address. Please wait %(n)d seconds and "
             "try again.", n=seconds)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        s = db_session()
        username = form.username.data.strip()
        ip = _client_ip()
        # The attempt is written as a failure before the password is checked
        # and the wait counts only earlier attempts: of several tries sent at
        # once, the later ones see the earlier ones and wait.
        attempt = LoginAttempt(username=username, ip=ip)
        s.add(attempt)
        s.flush()
        wait = throttle_wait(s, username, ip, before_id=attempt.id)
        if wait:
            s.rollback()  # a refused try does not count: the wait does not grow
            flash(_wait_message(wait), "error")
            return render_template("core/login.html", form=form), 429
        user = s.scalar(select(User).where(User.username == username))
        s.commit()  # no transaction (on SQLite: no write lock) while the hash runs
        # Unknown and inactive users are checked against a hash too: the
        # answer takes as long as for a real account.
        ok = verify_password(user.password_hash if user is not None else None,
                             form.password.data)
        if ok and user.active:
            if needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            s.execute(delete(LoginAttempt).where(LoginAttempt.username == username,
                                                 LoginAttempt.ip == ip))
            user.last_login_at = utcnow()
            s.add(SignIn(user_id=user.id, at=user.last_login_at, ip=ip))
            s.commit()
            target = safe_next(request.args.get("next"), url_for("core.home"))
            session.clear()  # no fixation: a fresh session at every login
            login_user(user)
            session["locale"] = user.locale
            return redirect(target)
        since = utcnow() - timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
        s.execute(delete(LoginAttempt).where(LoginAttempt.username == username,
                                             LoginAttempt.at < since))
        s.commit()
        flash(_("Wrong username or password."), "error")
        status = 401
    return render_template("core/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    s = db_session()
    user = s.get(User, current_user.id)
    user.rotate_session()
    s.commit()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    if request.method != "POST":
        # From the signed-in user as cached: no query, no form objects.
        return _account_page(None, None)
    s = db_session()
    user = s.get(User, current_user.id)
    form = AccountForm(obj=user, prefix="acc")
    pw = PasswordForm(prefix="pw")
    if request.method == "POST" and "acc-locale" in request.form and form.validate():
        try:
            versions.check(user, form)
            user.full_name = form.full_name.data or ""
            user.locale = form.locale.data
            s.commit()
        except (versions.EditConflict, versions.StaleDataError):
            versions.conflict(s, user, form)
            return _account_page(form, pw), 409
        session["locale"] = user.locale
        flash(_("Saved."), "success")
        return redirect(url_for("auth.account"))
    if request.method == "POST" and "pw-new" in request.form:
        if pw.validate():
            if not verify_password(user.password_hash, pw.current.data):
                pw.current.errors.append(_("The current password is wrong."))
            else:
                user.password_hash = hash_password(pw.new.data)
                user.rotate_session()
                s.commit()
                session.clear()
                login_user(user)
                flash(_("Password changed. Other sessions have been signed out."), "success")
                return redirect(url_for("auth.account"))
    return _account_page(form, pw)


def _account_page(form, pw):
    if form is None and pw is None:
        # Nothing but the frame, the name and the language: kept per
        # (frame key, name, language), see core.web.frame.render_kept.
        user = signed_in()
        # The profile form carries the signature of the name and language it
        # shows (no version: that needs a query, and moves at every login).
        token = ":" + versions.signature({"full_name": user.full_name, "locale": user.locale})
        return render_kept("core/account.html", (user.full_name, user.locale), form=None,
                           pw=None, languages=LANGUAGES, min_password=MIN_PASSWORD,
                           account_token=token)
    return render_template("core/account.html", form=form, pw=pw, languages=LANGUAGES,
                           min_password=MIN_PASSWORD)


@bp.route("/language/<code>", methods=["POST"])
def language(code: str):
    """Language switch for the login page (before there is a user)."""
    if code in ("zh_CN", "en"):
        session["locale"] = code
    return redirect(safe_next(request.form.get("next"), url_for("auth.login")))
