"""One embedded broker per data folder: a second run uses it, a kill -9 leaves no tansu behind,
a stale address file is detected, and topics with another partition count are refused."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli, wait_for

pytestmark = pytest.mark.integration


def children(pid: int, name: str = "tansu") -> list[int]:
    """Live processes called ``name`` whose parent is ``pid`` (from /proc, no psutil)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        comm = stat[stat.index("(") + 1: stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if comm.startswith(name) and int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat[stat.rindex(")") + 2:].split()[0] != "Z"


def start_run(data: Path, log: Path, sink: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "newsflow.cli", "run", "--data-dir", str(data), "--sink", f"jsonl:{sink}"]
    with open(log, "wb") as out:
        return subprocess.Popen(cmd, cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, "NEWSFLOW_SINK_MAX_DELAY": "0.2"})


def article(folder: Path) -> tuple[Path, str]:
    title = f"Harbour reopens {uuid.uuid4().hex[:8]}"
    path = folder / f"{uuid.uuid4().hex}.txt"
    path.write_text(f"{title}\n\nThe harbour reopened on Monday, officials said.\n")
    return path, title


def test_one_broker_per_folder_shared_by_a_second_run_and_gone_with_a_kill_9(tmp_path):
    data = tmp_path / "data"
    sinks = [tmp_path / "first.jsonl", tmp_path / "second.jsonl"]
    first = start_run(data, tmp_path / "first.log", sinks[0])
    second = None
    try:
        address = data / "broker.address"
        bootstrap = wait_for(lambda: first.poll() is None and address.exists() and address.read_text().strip(),
                             60, what="the first run's broker address")
        (tansu,) = wait_for(lambda: children(first.pid), 10, what="the first run's tansu")

        refused = run_cli("run", "--data-dir", str(data), "--replay", str(article(tmp_path)[0]), "--exit-when-idle")
        assert refused.returncode == 1 and "already running in" in refused.stderr
        assert len(refused.stderr.strip().splitlines()) == 1  # one clear line

        second = start_run(data, tmp_path / "second.log", sinks[1])
        wait_for(lambda: "using the embedded broker at " + bootstrap in (tmp_path / "second.log").read_text(), 60,
                 what="the second run to find the first run's broker")
        assert not children(second.pid)  # it started no broker of its own
        path, title = article(tmp_path)
        assert run_cli("replay", "--data-dir", str(data), str(path)).returncode == 0
        wait_for(lambda: any(s.exists() and title in s.read_text() for s in sinks), 90, what="the article stored")
        second.send_signal(signal.SIGTERM)
        second.wait(60)
        assert address.read_text().strip() == bootstrap  # neither overwritten nor deleted by the second run

        first.send_signal(signal.SIGKILL)
        first.wait(10)
        wait_for(lambda: not alive(tansu), 10, what="tansu to die with its worker")
        assert address.exists()  # left behind by the kill: stale now

        tail = run_cli("tail", "news.raw", "--data-dir", str(data))
        assert tail.returncode == 1 and "stale" in tail.stderr and "no broker" in tail.stderr

        third = run_cli("run", "--data-dir", str(data), "--replay", str(article(tmp_path)[0]), "--exit-when-idle",
                        "--sink", f"jsonl:{tmp_path / 'third.jsonl'}", timeout=180)
        assert third.returncode == 0, third.stderr[-3000:]
        assert "replacing the stale broker address file" in third.stderr
        assert not address.exists()  # the owner cleans up on a normal exit
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.kill()


def test_existing_topics_with_another_partition_count_are_a_clear_error(broker, tmp_path):
    prefix = f"parts{uuid.uuid4().hex[:6]}."
    path, _ = article(tmp_path)
    made = run_cli("replay", "--broker", broker.bootstrap, "--topic-prefix", prefix, "--partitions", "1", str(path))
    assert made.returncode == 0, made.stderr
    again = run_cli("replay", "--broker", broker.bootstrap, "--topic-prefix", prefix, "--partitions", "2", str(path))
    assert again.returncode == 1
    (line,) = again.stderr.strip().splitlines()
    assert f"topic {prefix}news." in line and "exists with 1 partition(s), but 2 are configured" in line
    assert "--partitions 1" in line
