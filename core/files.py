"""Files on disk and their names: a failed write is cleaned up and told to
the user plainly; a download name cut to length keeps its extension."""
from __future__ import annotations

import errno
from pathlib import Path

from .i18n import _l
from .services import ServiceError

#: Errors that mean "no room": a full disk or an exhausted quota.
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


class StorageError(ServiceError):
    """A file could not be written; nothing was kept.  The message is for the user."""


def write_failed(exc: OSError):
    """The user's message for a failed write (lazy, translated when shown)."""
    if exc.errno in NO_SPACE:
        return _l("The file could not be stored: the server's disk is full. Nothing was "
                  "saved; please tell your administrator.")
    return _l("The file could not be stored on the server. Nothing was saved; please try "
              "again or tell your administrator.")


def discard(path: Path) -> None:
    """Remove a half-written file; a failure to do so is not the user's."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def fit_filename(name: str, limit: int) -> str:
    """``name`` cut to ``limit`` characters, keeping its extension (a long
    ``….pdf`` must still open as a PDF)."""
    if len(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) + 2 > min(limit, 18):
        return name[:limit]
    return stem[:limit - len(ext) - 1] + "." + ext
