"""A flow run that `newsmon serve` started ends with it. Prefect's runner starts each run in a
process of its own; were serve killed (SIGKILL, OOM), such a run would go on alone, holding the
warehouse while the restarted serve runs its first cycle. Under serve it watches its parent."""

from __future__ import annotations

import os
import threading

SERVE_PID = "NEWSMON_SERVE_PID"  # set by serve, inherited by the runs it starts
_CHECK_EVERY_S = 0.5


def end_with_service() -> None:
    """When this process was started by serve (directly or not), end it the moment serve is
    gone: a daemon thread checks the parent, then exits hard. What the run had not committed
    is rolled back by the warehouse, and the restarted serve marks the run crashed."""
    serve = os.environ.get(SERVE_PID)
    if not serve or not serve.isdigit() or os.getpid() == int(serve):
        return
    parent = os.getppid()

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(70)
            threading.Event().wait(_CHECK_EVERY_S)

    threading.Thread(target=watch, name="end-with-serve", daemon=True).start()
