"""Worker processes: what the ingest and analysis pools share."""

from __future__ import annotations

import ctypes
import gc
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """Pool initializer: the worker is killed when the run that started it dies.

    Without it, `kill -9` of a run leaves its forked workers blocked on the task queue forever (each holds the
    queue's write end, so none sees end-of-file). Linux only (prctl PR_SET_PDEATHSIG); elsewhere nothing happens.
    """
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # no libc symbol: keep the old behaviour
            return
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)
    # the objects inherited from the parent (imported modules) live as long as the worker: out of the collector's
    # scans, which also keeps their pages shared with the parent instead of copied on write
    gc.freeze()
