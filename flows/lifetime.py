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
