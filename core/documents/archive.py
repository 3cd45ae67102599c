"""The archive on disk: ``DATA_DIR/documents/ab/cd/<sha256>.pdf``.

Files are named by their SHA-256 and written once (temp file, fsync,
rename, read-only), so a re-download returns the very bytes first issued
and a damaged file is detected by re-hashing.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..files import StorageError, discard, write_failed


class ArchiveError(OSError):
    """An archived file is missing or no longer matches its hash."""


def root_of(config: dict) -> Path:
    return Path(config["DATA_DIR"]) / "documents"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store(root: Path, data: bytes) -> tuple[str, str]:
    """Keep ``data``; returns (path relative to ``root``, SHA-256)."""
    digest = sha256(data)
    rel = f"{digest[:2]}/{digest[2:4]}/{digest}.pdf"
    target = root / rel
    if target.exists() and sha256(target.read_bytes()) == digest:
        return rel, digest
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(write_failed(exc)) from exc
    tmp = target.with_name(f".{digest}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o444)
        os.replace(tmp, target)
    except OSError as exc:
        # A full disk leaves no 0-byte ``.part`` behind and says so (issue 20).
        discard(tmp)
        raise StorageError(write_failed(exc)) from exc
    return rel, digest


def read(root: Path, rel: str, expected_sha256: str) -> bytes:
    path = (root / rel).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        raise ArchiveError(f"archived file missing: {rel}")
    data = path.read_bytes()
    if sha256(data) != expected_sha256:
        raise ArchiveError(f"archived file damaged: {rel}")
    return data
