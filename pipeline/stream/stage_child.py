"""The child side of ``newsflow.stream.stage_runner``: ``python -m newsflow.stream.stage_child FD MODULE:NAME PPID``.

Imports the stage function, then answers one call per message on the socket until the
worker closes it.  Failures are sent back for the worker to judge.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import signal
import sys
from multiprocessing.connection import Connection


def die_with_parent(parent_pid: int) -> None:
    """Linux: SIGKILL this child when the worker dies (even by kill -9), so no stage keeps
    spinning on a bad page as an orphan."""
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # the worker died before the line above
        os._exit(1)


def serve(conn: Connection, func) -> None:
    while True:
        try:
            args = conn.recv()
        except (EOFError, OSError):
            return  # the worker is gone or replaced us
        try:
            reply = (True, func(*args))
        except Exception as exc:  # noqa: BLE001 - handed back to the worker, which decides
            reply = (False, exc)
        try:
            conn.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError):
            conn.send((False, RuntimeError(f"{type(reply[1]).__name__}: {reply[1]}")))


def main(argv: list[str]) -> None:
    fd, target, parent_pid = int(argv[0]), argv[1], int(argv[2])
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the worker's to handle
    die_with_parent(parent_pid)
    module, _, name = target.partition(":")
    func = importlib.import_module(module)
    for part in name.split("."):
        func = getattr(func, part)
    conn = Connection(fd)
    conn.send("ready")  # newsflow.stream.stage_runner.READY
    serve(conn, func)


if __name__ == "__main__":
    main(sys.argv[1:])
