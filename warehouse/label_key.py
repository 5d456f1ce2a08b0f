"""The warehouse's label key: 32 random bytes that key the hash in channel labels.

It lives in a file beside the warehouse (`newsmon.duckdb.key`), never inside it, so whoever is
given the DuckDB file to query cannot test guessed channel tokens against the stored labels.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from newsmon.errors import WarehouseError

KEY_BYTES = 32


def key_path(db_path: Path) -> Path:
    """Where the label key of the warehouse at `db_path` is kept."""
    return db_path.with_name(db_path.name + ".key")


def label_key(db_path: Path) -> bytes:
    """The label key of the warehouse at `db_path`, created on first use (mode 0600).

    The same on every run; when two processes create it at once, both get the one that won.
    Raises WarehouseError when the file cannot be read or written, or is not a key.
    """
    path = key_path(Path(db_path))
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise _unreadable(path, exc) from None
    try:
        _create(path)
        return _read(path)
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _read(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise WarehouseError(
            f"label key {path} holds {len(key)} bytes, not {KEY_BYTES}: restore it from a backup, "
            f"or delete it to start a new key (channel labels then change, and alerts still owed "
            f"on the old labels are no longer sent)")
    return key


def _create(path: Path) -> None:
    """Write a new key to a private file, then link it into place: the key file appears whole or
    not at all, and a process that loses the race keeps the winner's key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)  # whatever the umask
        data = secrets.token_bytes(KEY_BYTES)
        while data:
            data = data[os.write(fd, data):]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        with contextlib.suppress(FileExistsError):  # another process was first: its key is the key
            os.link(draft, path)
        _sync_dir(path.parent)
    finally:
        if fd >= 0:
            os.close(fd)
        draft.unlink(missing_ok=True)


def _sync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unreadable(path: Path, exc: OSError) -> WarehouseError:
    return WarehouseError(f"cannot read or create the label key {path}: {exc.strerror or exc}; "
                          f"check that the warehouse's directory is yours and writable")
