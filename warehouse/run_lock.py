"""One cycle at a time per warehouse: an advisory lock on a file beside it.

The kernel releases the lock when the holding process ends, however it ends (kill -9
included), so a crash never leaves a stale lock behind. The file says who holds it.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from newsmon.errors import RunLocked, WarehouseError


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


class RunLock:
    """Held while a cycle runs. `RunLock.acquire(db)` or raise RunLocked naming the holder."""

    def __init__(self, fd: int, path: Path) -> None:
        self._fd, self.path = fd, path

    @classmethod
    def acquire(cls, db_path: Path, wait: float | None = 0) -> RunLock:
        """Take the lock, waiting up to `wait` seconds for it (None: as long as it takes)."""
        path = lock_path(db_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise WarehouseError(f"cannot create the run lock {path}: {exc.strerror}") from None
        give_up = None if wait is None else time.monotonic() + wait
        pause = 0.05
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if give_up is not None and time.monotonic() + pause > give_up:
                    holder = _holder(fd)
                    os.close(fd)
                    raise RunLocked(f"another newsmon cycle is running on {db_path} "
                                    f"({holder})", holder) from None
                time.sleep(pause)
                pause = min(pause * 2, 1.0)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({
            "pid": os.getpid(), "since": datetime.now(UTC).isoformat(timespec="seconds"),
            "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200],
        }).encode(), 0)
        return cls(fd, path)

    def release(self) -> None:
        if self._fd >= 0:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = -1

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def _holder(fd: int) -> str:
    try:
        info = json.loads(os.pread(fd, 4096, 0) or b"{}")
        return f"pid {info['pid']} since {info['since']}: {info['command']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "holder unknown"
