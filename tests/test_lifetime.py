"""flows/lifetime.py: a run serve started ends with serve, even when serve died first."""

import os
import subprocess
import sys

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
