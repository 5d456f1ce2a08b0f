"""A flow run that `newsmon serve` started ends with it. Prefect's runner starts each run in a
process of its own; were serve killed (SIGKILL, OOM), such a run would go on alone, holding the
warehouse while the restarted serve runs its first cycle. Under serve it watches its parent."""

from __future__ import annotations

import os
import threading

SERVE_PID = "NEWSMON_SERVE_PID"  # set by serve, inherited by the runs it starts
_CHECK_EVERY_S = 0.5
_watching = False


def end_with_service() -> None:
    """When this process was started by serve (directly or not), end it the moment serve is
    gone, even if that was before the run began: a daemon thread checks that serve's process
    still exists, then exits hard. What the run had not committed is rolled back by the
    warehouse, and the restarted serve marks the run crashed."""
    global _watching
    serve = os.environ.get(SERVE_PID)
    if _watching or not serve or not serve.isdigit() or os.getpid() == int(serve):
        return
    _watching = True
    pid, parent = int(serve), os.getppid()

    def gone() -> bool:
        if os.getppid() != parent:  # reparented: the parent died (serve, or one under it)
            return True
        try:
            os.kill(pid, 0)  # no signal sent: whether serve's process is still there
        except ProcessLookupError:
            return True  # serve died before this run began watching
        except PermissionError:
            pass  # there, under another user
        return False

    def watch() -> None:
        while not gone():
            threading.Event().wait(_CHECK_EVERY_S)
        os._exit(70)

    threading.Thread(target=watch, name="end-with-serve", daemon=True).start()


# The guardian: a small process of its own that outlives a killed serve. While serve lives it
# notes every process below it (Prefect's runner may start a run as `python -m prefect.engine`,
# which runs no newsmon code until it has spoken to the API); when serve is gone, it kills the
# ones still there, so none goes on alone retrying a dead API. Stdlib only, run with -I -S.
_GUARDIAN = r"""
import os, signal, sys, time
serve, me = int(sys.argv[1]), os.getpid()

def table():
    parents = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(name)] = (fields[0], int(fields[1]), fields[19])
    return parents

def below(parents):
    found, todo = {}, [serve]
    while todo:
        pid = todo.pop()
        for child, (_, ppid, started) in parents.items():
            if ppid == pid and child != me and child not in found:
                found[child] = started
                todo.append(child)
    return found

known = {}
while True:
    parents = table()
    if serve in parents and parents[serve][0] != "Z" and os.getppid() == serve:
        known = below(parents)
        time.sleep(0.5)
        continue
    for pid, started in known.items():
        if pid in parents and parents[pid][2] == started:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
    break
"""


def start_guardian() -> None:
    """Start the guardian of this process's children (Linux: it reads /proc)."""
    import subprocess
    import sys

    if not os.path.isdir("/proc/self"):
        return
    subprocess.Popen([sys.executable, "-I", "-S", "-c", _GUARDIAN, str(os.getpid())],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, close_fds=True)
