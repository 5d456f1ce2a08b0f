"""flows/lifetime.py: a run serve started ends with serve, even when serve died first."""

import os
import subprocess
import sys
from pathlib import Path

from test_run_command import PROJECT

WATCH_THEN_WAIT = ("import time\nfrom flows.lifetime import end_with_service\n"
                   "end_with_service()\nprint('watching', flush=True)\ntime.sleep(60)\n")


def test_a_run_whose_serve_is_already_gone_ends_at_once() -> None:
    serve = subprocess.Popen([sys.executable, "-c", "pass"])
    serve.wait()  # its pid now names no process
    run = subprocess.run([sys.executable, "-c", WATCH_THEN_WAIT], cwd=PROJECT, timeout=20,
                         env={**os.environ, "NEWSMON_SERVE_PID": str(serve.pid)},
                         capture_output=True, text=True)
    assert run.returncode == 70, run.stdout + run.stderr  # before it had begun its wait


def test_outside_serve_nothing_is_watched() -> None:
    code = WATCH_THEN_WAIT.replace("time.sleep(60)", "time.sleep(1.5)")
    env = {k: v for k, v in os.environ.items() if k != "NEWSMON_SERVE_PID"}
    run = subprocess.run([sys.executable, "-c", code], cwd=PROJECT, env=env, timeout=20,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr


def age(pid: int) -> float:
    """Seconds since process `pid` started (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    started = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]) / ticks
    return float(Path("/proc/uptime").read_text().split()[0]) - started


def test_the_guardian_ends_what_serve_started_when_serve_is_killed() -> None:
    from test_run_command import alive, descendants, wait_until

    # A stand-in for serve: the guardian, and a child that runs no newsmon code (as a run
    # started as `python -m prefect.engine` does until it has reached the API).
    code = ("import subprocess, sys, time\nfrom flows.lifetime import start_guardian\n"
            "start_guardian()\nsubprocess.Popen(['sleep', '120'])\nprint('up', flush=True)\n"
            "time.sleep(120)\n")
    serve = subprocess.Popen([sys.executable, "-c", code], cwd=PROJECT, stdout=subprocess.PIPE,
                             text=True)
    try:
        assert serve.stdout is not None and serve.stdout.readline() == "up\n"
        wait_until(lambda: any(Path(f"/proc/{p}/cmdline").read_bytes().startswith(b"sleep")
                               for p in descendants(serve.pid) if alive({p})), 10, "the child")
        below = descendants(serve.pid)
        guardian = next(p for p in below if b"-S" in Path(f"/proc/{p}/cmdline").read_bytes())
        # it notes what is below serve every half second: let it have looked twice
        wait_until(lambda: age(guardian) > 1.0, 10, "the guardian to have looked")
        serve.kill()
        serve.wait(10)
        wait_until(lambda: not alive(below), 10, "the child and the guardian to end")
    finally:
        serve.kill()
