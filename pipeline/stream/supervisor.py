"""``newsflow run --processes N``: N worker processes in one consumer group, watched together.

The supervisor starts the embedded broker when none is configured (children get
``--broker``), creates the topics with the configured partition count, and starts N
``newsflow run`` children, each a full worker (every agent) in the same group, so the
broker spreads the partitions over them.  A child that dies is restarted with backoff;
Ctrl-C or SIGTERM stops them all.  With ``--exit-when-idle`` the supervisor publishes the
replay itself and follows progress from events the children write to a pipe (stored
ids per sink, dead letters, links in flight), exiting once every document is finished.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass

import orjson

from newsflow.config import Config, to_environment
from newsflow.progress import Progress
from newsflow.sinks import open_sink
from newsflow.stream.kafka import ensure_topics, producer, publish_replay
from newsflow.stream.worker import (
    EXIT_DEAD_LETTERS,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    embedded_broker_if_needed,
    say,
)
from newsflow.topics import TopicNames

log = logging.getLogger(__name__)

BACKOFF = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)  # seconds before restarting a child, per consecutive crash
HEALTHY_AFTER = 60.0  # a child that ran this long starts its crash count afresh
MAX_CRASHES = 6  # consecutive early crashes of one slot: the run gives up (exit 1)
STOP_TIMEOUT = 30.0


@dataclass
class Child:
    """One worker slot: its current process and crash history."""

    slot: int
    process: asyncio.subprocess.Process | None = None
    started: float = 0.0
    crashes: int = 0


class Supervisor:
    """Starts, watches and stops the children of one ``newsflow run --processes N``."""

    def __init__(self, config: Config, options, bootstrap: str) -> None:
        self.config, self.options, self.bootstrap = config, options, bootstrap
        sink_names = tuple(open_sink(spec).name for spec in config.default_sinks)
        self.progress = Progress(sink_names=sink_names, tracking=options.exit_when_idle)
        self.children = [Child(slot) for slot in range(config.processes)]
        self.polled = config.feeds is None  # with exit-when-idle, child 0 polls every feed once
        self.replayed = False
        self.replay_lost: Counter = Counter()
        self.readers: set[asyncio.Task] = set()
        self.stopping = asyncio.Event()
        self.code = EXIT_OK

    def child_command(self, child: Child) -> tuple[list[str], dict[str, str], int, int]:
        """argv, environment and the progress pipe (read end, write end) of a child."""
        port = self.config.metrics_port
        settings = dataclasses.replace(self.config, broker=self.bootstrap, processes=1, worker_slot=child.slot,
                                       metrics_port=port + child.slot if port else None)
        if self.config.web_port is not None:  # the supervisor serves it; each child on a free port
            settings = dataclasses.replace(settings, web_port=0, metrics_port=None)
        read_end, write_end = os.pipe()
        poll = "continuous"
        if self.options.exit_when_idle:
            poll = "once" if child.slot == 0 and not self.polled else "off"
        argv = [sys.executable, "-m", "newsflow.cli", "run", "--quiet", "--report-fd", str(write_end),
                "--poll", poll]
        return argv, {**os.environ, **to_environment(settings)}, read_end, write_end

    async def start(self, child: Child) -> None:
        argv, env, read_end, write_end = self.child_command(child)
        # Own session: a Ctrl-C reaches the supervisor only, which stops the children in order.
        child.process = await asyncio.create_subprocess_exec(*argv, env=env, pass_fds=(write_end,),
                                                             start_new_session=True)
        os.close(write_end)
        child.started = time.monotonic()
        self.readers.add(reader := asyncio.get_running_loop().create_task(self.read_events(read_end)))
        reader.add_done_callback(self.readers.discard)
        log.info("worker %d started (pid %d)", child.slot, child.process.pid)

    async def read_events(self, fd: int) -> None:
        """Apply a child's progress events until its pipe closes (the child exited)."""
        loop = asyncio.get_running_loop()
        reader = asyncio.StreamReader(limit=64 * 1024 * 1024)
        transport, _ = await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader),
                                                    os.fdopen(fd, "rb", buffering=0))
        try:
            while line := await reader.readline():
                event = orjson.loads(line)
                if event["event"] == "polled":
                    self.polled = True
                    self.check_replay_done()
                if event["event"] == "stored_in":
                    self.options.monitor.stored_per_sink[event["sink_name"]] += len(event["ids"])
                self.progress.apply(event)
        finally:
            transport.close()

    async def watch(self, child: Child) -> None:
        """Restart the child whenever it exits, until the run stops or it keeps crashing."""
        while not self.stopping.is_set():
            await self.start(child)
            assert child.process is not None
            code = await child.process.wait()
            if self.stopping.is_set():
                return
            ran = time.monotonic() - child.started
            child.crashes = 1 if ran >= HEALTHY_AFTER else child.crashes + 1
            if child.crashes >= MAX_CRASHES:
                log.error("worker %d exited with %s %d times in a row; stopping", child.slot, code, child.crashes)
                self.stop(EXIT_FAILED)
                return
            delay = BACKOFF[min(child.crashes, len(BACKOFF)) - 1]
            log.warning("worker %d exited with %s after %.0fs; restarting in %.0fs", child.slot, code, ran, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stopping.wait(), delay)

    def stop(self, code: int) -> None:
        if not self.stopping.is_set():
            self.code = code
            self.stopping.set()

    def crashed(self, task: asyncio.Task) -> None:
        """A supervisor task that failed (broker away, replay unreadable) ends the run with exit 1."""
        if not task.cancelled() and task.exception() is not None:
            log.error("supervisor: %s", task.exception(), exc_info=task.exception())
            self.stop(EXIT_FAILED)

    def check_replay_done(self) -> None:
        if self.polled and self.replayed:
            self.progress.finish_replay()

    async def replay(self) -> None:
        """Publish the replay files, then (with exit-when-idle) wait until every document is finished."""
        names = TopicNames(self.config.topic_prefix)
        if self.options.replay:
            client = producer(self.bootstrap, self.config.compression)
            await client.start()
            try:
                async def send(topic, key, value):
                    await client.send_and_wait(topic, value=value, key=key)

                replayed = await publish_replay(send, names, self.options.replay, self.progress,
                                                self.options.monitor)
            finally:
                await client.stop()
            self.replay_lost = replayed.dead_lettered
            say(self.options, f"{replayed.describe()} into {names.raw}")
        self.replayed = True
        self.check_replay_done()
        if not self.options.exit_when_idle:
            return
        await self.progress.wait_idle()
        lost = self.progress.lost() + self.replay_lost
        say(self.options, f"idle: {self.progress.stored_everywhere()} document(s) in every sink"
                          + (f", {sum(lost.values())} not stored: " + ", ".join(f"{n} {why}" for why, n in sorted(lost.items()))
                             + " (see `newsflow dlq list`)" if lost else ""), always=bool(lost))
        self.stop(EXIT_DEAD_LETTERS if lost else EXIT_OK)

    async def terminate(self) -> None:
        """SIGTERM every child (each shuts down in order: flush sinks, leave the group), then wait."""
        running = [c.process for c in self.children if c.process and c.process.returncode is None]
        for process in running:
            process.send_signal(signal.SIGTERM)
        for process in running:
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
            except TimeoutError:
                log.warning("worker pid %d did not stop in %.0fs; killing it", process.pid, STOP_TIMEOUT)
                process.kill()
                await process.wait()

    async def run(self) -> int:
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGINT, self.stop, EXIT_INTERRUPTED)
        loop.add_signal_handler(signal.SIGTERM, self.stop, EXIT_OK)
        await ensure_topics(self.bootstrap, TopicNames(self.config.topic_prefix), self.config.partitions)
        say(self.options, f"newsflow: {len(self.children)} worker processes on {self.bootstrap}, "
                          f"{self.config.partitions} partitions per topic")
        dashboard = await self.start_dashboard()
        tasks = [loop.create_task(self.watch(child)) for child in self.children]
        replay = loop.create_task(self.replay())
        for task in (*tasks, replay):
            task.add_done_callback(self.crashed)
        await self.stopping.wait()
        replay.cancel()
        await self.terminate()
        await asyncio.gather(*tasks, *self.readers, return_exceptions=True)  # pipes close as children exit
        if dashboard is not None:
            await dashboard.stop()
            with contextlib.suppress(FileNotFoundError):
                (self.config.data_dir / "web.address").unlink()
        return self.code

    async def start_dashboard(self):
        """With --web-port: the dashboard of the whole group, merging the children's figures
        (each child serves its own on a free port and writes DATA_DIR/web.<slot>.address)."""
        if self.config.web_port is None:
            return None
        from newsflow import __version__
        from newsflow.web import Dashboard, child_addresses, write_address

        data_dir = self.config.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        for stale in data_dir.glob("web.*.address"):
            stale.unlink()
        dashboard = Dashboard(self.options.monitor, describe=lambda: {"version": __version__},
                              peers=lambda: child_addresses(data_dir))
        url = await dashboard.start(self.config.web_host, self.config.web_port)
        write_address(data_dir, url)
        say(self.options, f"dashboard: {url} (JSON {url}api/status; each worker's /metrics at the address "
                          f"in {data_dir}/web.<slot>.address; `newsflow status`)")
        return dashboard


def run(config: Config, options) -> int:
    """Block until the group is stopped (or idle); returns the exit code."""
    with embedded_broker_if_needed(config, share=not options.exit_when_idle) as bootstrap:
        return asyncio.run(Supervisor(config, options, bootstrap).run())
