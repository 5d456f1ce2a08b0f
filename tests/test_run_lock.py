"""warehouse/run_lock.py: one cycle at a time per warehouse, and no stale lock after a crash."""

import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsmon.errors import RunLocked
from warehouse.run_lock import RunLock, lock_path

HOLD = """
import sys, time
from pathlib import Path
from warehouse.run_lock import RunLock
lock = RunLock.acquire(Path(sys.argv[1]))
print("held", flush=True)
time.sleep(60)
"""


def hold_in_child(db: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE,
                             text=True, cwd=Path(__file__).resolve().parent.parent)
    assert child.stdout is not None and child.stdout.readline() == "held\n"
    return child


def test_a_second_holder_is_told_who_holds_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    child = hold_in_child(db)
    try:
        with pytest.raises(RunLocked, match=f"pid {child.pid} since .*-c"):
            RunLock.acquire(db)
    finally:
        child.kill()
        child.wait()


def test_kill_9_of_the_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    child = hold_in_child(db)
    child.kill()
    child.wait()
    with RunLock.acquire(db):
        assert lock_path(db).exists()


def test_waiting_takes_the_lock_when_the_holder_finishes(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    child = hold_in_child(db)
    started = time.monotonic()
    try:
        with pytest.raises(RunLocked):
            RunLock.acquire(db, wait=0.3)
        assert time.monotonic() - started < 5
        child.kill()
        with RunLock.acquire(db, wait=10):
            pass
    finally:
        child.kill()
        child.wait()


def test_released_lock_can_be_taken_again_in_process(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with RunLock.acquire(db):
        pass
    with RunLock.acquire(db):
        pass
