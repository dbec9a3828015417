"""Run a CPU-bound stage function in a child process that can be killed past its time budget.

A Python thread cannot be interrupted, so a page that keeps a stage busy for hours would
stall its partition for good.  ``StageRunner`` keeps one long-lived child per stage
(``python -m newsflow.stream.stage_child``), fed through a socket pair: a call costs a
pickle of the input and of the result (well under a millisecond for a 200 KB page).  Past
``timeout`` seconds the child is killed, a fresh one started, and the call raises
``StageTimeout``, which the caller dead-letters.  A child that dies on an input raises
``StageCrashed``.  Children die with the worker (``PR_SET_PDEATHSIG`` on Linux).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

log = logging.getLogger(__name__)


class StageTimeout(Exception):
    """The stage took longer than its budget on this input."""

    reason = "timeout"


class StageCrashed(Exception):
    """The child process died while running the stage on this input (e.g. a segfault)."""

    reason = "stage-crashed"


class StageUnavailable(RuntimeError):
    """The child could not be started (e.g. the stage does not import): our failure, not the
    message's, so the caller retries instead of dead-lettering."""


_TIMED_OUT = object()
START_TIMEOUT = 120.0  # seconds a fresh child may take to import its stage on a loaded machine
READY = "ready"  # the child's first message, once its stage is imported


class StageRunner:
    """One child process running ``func`` (a module-level function) with a time budget per call.

    ``start`` and the restarts run on the caller's thread (the worker's main thread, which
    the child's death signal is tied to); only the wait for a reply runs in a thread.
    """

    def __init__(self, func: Callable, timeout: float, name: str | None = None) -> None:
        self.func, self.timeout = func, timeout
        self.name = name or func.__name__
        self.restarts = 0
        self._process: subprocess.Popen | None = None
        self._conn: Connection | None = None
        self._ready = False
        self._lock = asyncio.Lock()

    def start(self) -> StageRunner:
        """Start the child; it imports the stage's module and then waits for calls."""
        ours, theirs = socket.socketpair()
        target = f"{self.func.__module__}:{self.func.__qualname__}"
        self._process = subprocess.Popen(
            [sys.executable, "-m", "newsflow.stream.stage_child", str(theirs.fileno()), target, str(os.getpid())],
            pass_fds=(theirs.fileno(),), stdin=subprocess.DEVNULL, start_new_session=True)
        theirs.close()  # so each side sees EOF when the other dies
        self._conn, self._ready = Connection(ours.detach()), False
        return self

    async def call(self, *args: Any, timeout: float | None = None) -> Any:
        """``func(*args)`` in the child; raises what it raised, ``StageTimeout`` or ``StageCrashed``.

        ``timeout`` overrides the runner's budget for this call (e.g. scaled by input size)."""
        budget = self.timeout if timeout is None else timeout
        async with self._lock:  # one message at a time per child
            if self._process is None or self._process.poll() is not None or self._conn is None:
                self.start()
            conn = self._conn
            assert conn is not None
            if not self._ready:
                await asyncio.to_thread(self._wait_ready, conn)
            try:
                reply = await asyncio.to_thread(self._exchange, conn, args, budget)
            except (EOFError, OSError) as exc:
                self._replace("died")
                raise StageCrashed(f"{self.name} process died on this input ({type(exc).__name__})") from None
            if reply is _TIMED_OUT:
                self._replace(f"over its {budget:g} s budget")
                raise StageTimeout(f"{self.name} took more than {budget:g} s")
        ok, value = reply
        if not ok:
            raise value
        return value

    def _wait_ready(self, conn: Connection) -> None:
        try:
            if conn.poll(START_TIMEOUT) and conn.recv() == READY:
                self._ready = True
                return
        except (EOFError, OSError):
            pass
        self.stop()
        raise StageUnavailable(f"stage {self.name}: its process did not start (see the log above)")

    def _exchange(self, conn: Connection, args: tuple, budget: float) -> Any:
        conn.send(args)
        if not conn.poll(budget):
            return _TIMED_OUT
        return conn.recv()

    def _replace(self, why: str) -> None:
        log.warning("stage %s: child process %s; starting a fresh one", self.name, why)
        self.restarts += 1
        self.stop()
        self.start()

    def stop(self) -> None:
        """Kill the child (it holds no state worth an orderly goodbye)."""
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if conn is not None:
            conn.close()
        if process is not None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            process.wait()
