"""Running a worker in this process: broker (embedded if needed), sinks, agents, replay.

With ``exit_when_idle`` the worker stops itself once every replayed document has
reached every sink (or the dead-letter topic), and the exit code says which.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import faust

from newsflow import logs
from newsflow.config import Config
from newsflow.monitor import Monitor
from newsflow.progress import Progress
from newsflow.progress_display import ProgressDisplay, write_line
from newsflow.sinks import open_sink
from newsflow.stream.app import consumer_lag, create_pipeline
from newsflow.stream.broker import folder_broker
from newsflow.stream.kafka import ensure_topics, publish_replay
from newsflow.topics import TopicNames
from newsflow.web import Dashboard, write_address

log = logging.getLogger(__name__)

# Exit codes of ``newsflow run`` (README, Operations): everything stored; a crash, a failed
# store or no feed reachable; some documents dead-lettered or given up; interrupted.
EXIT_OK, EXIT_FAILED, EXIT_DEAD_LETTERS, EXIT_INTERRUPTED = 0, 1, 3, 130


class PipelineWorker(faust.Worker):
    """Faust's worker, remembering which signal stopped it (mode exits 0 either way)."""

    stopped_by: signal.Signals | None = None

    def _schedule_shutdown(self, signal: signal.Signals) -> None:
        self.stopped_by = self.stopped_by or signal
        super()._schedule_shutdown(signal)


@dataclass
class RunOptions:
    """What ``newsflow run`` was asked to do beyond the configuration."""

    replay: list[Path] = field(default_factory=list)
    exit_when_idle: bool = False
    quiet: bool = False
    progress_bar: bool = True  # with exit_when_idle: a bar on a terminal, plain lines elsewhere
    monitor: Monitor = field(default_factory=Monitor)  # this run's figures; the summary reads them after
    report_fd: int | None = None  # a child of the supervisor: progress events go up this pipe
    # Feed polling: "auto" is once with exit_when_idle, else the leader polls continuously;
    # the supervisor's exit-when-idle children get "once" (one of them) or "off".
    poll: str = "auto"

    @property
    def feed_polling(self) -> str:
        return ("once" if self.exit_when_idle else "continuous") if self.poll == "auto" else self.poll


def run(config: Config, options: RunOptions) -> int:
    """Start everything, block until stopped; returns the process exit code."""
    sinks = [open_sink(spec) for spec in config.default_sinks]
    config.table_dir.mkdir(parents=True, exist_ok=True)
    with embedded_broker_if_needed(config, share=not options.exit_when_idle) as bootstrap:
        loop = asyncio.new_event_loop()  # the worker's loop; topics first, with our partition count
        asyncio.set_event_loop(loop)
        loop.run_until_complete(ensure_topics(bootstrap, TopicNames(config.topic_prefix), config.partitions))
        loop.run_until_complete(setup_sinks(sinks))  # an unreachable store fails now, clearly
        progress = Progress(sink_names=tuple(s.name for s in sinks), tracking=options.exit_when_idle,
                            report=reporter(options.report_fd))
        monitor = options.monitor
        monitor.tracking = options.exit_when_idle
        monitor.sink_stats = lambda: {s.name: vars(s.stats) for s in sinks if hasattr(s, "stats")}
        pipeline = create_pipeline(config, bootstrap, sinks=sinks, progress=progress, monitor=monitor,
                                   poll_feeds_continuously=options.feed_polling == "continuous")
        monitor.lag = lambda: consumer_lag(pipeline)
        outcome: dict[str, int] = {}
        add_replay_task(pipeline, options, outcome)
        if options.report_fd is not None:
            add_orphan_watch(pipeline)
        add_shutdown(pipeline)
        announce(config, bootstrap, sinks, options)
        web_port = config.web_port if config.web_port is not None else config.metrics_port
        if web_port is not None:
            loop.run_until_complete(start_dashboard(pipeline, config, web_port, options))
        worker = PipelineWorker(pipeline.app, loglevel=config.log_level.upper(), quiet=True,
                                redirect_stdouts=False, loop=loop,
                                logging_config=logs.logging_config(config.log_level, config.log_format,
                                                                   config.verbose_internals))
        worker.spinner = None  # its escape codes mangle logs and the summary
        status = 0
        try:
            worker.execute_from_commandline()
        except SystemExit as exc:  # mode's way out: 1 when the worker itself crashed
            status = exc.code if isinstance(exc.code, int) else 1
        return exit_code(pipeline, worker, options, outcome, status)


def exit_code(pipeline, worker: PipelineWorker, options: RunOptions, outcome: dict[str, int], status: int) -> int:
    """The truth about the run: a crash is never hidden behind a signal or an idle stop."""
    if pipeline.crash is not None or status:
        say(options, f"newsflow run: the worker crashed ({pipeline.crash or worker.crash_reason or status!r})",
            always=True)
        return EXIT_FAILED
    if "code" in outcome:  # reached idle (or found no feed): the task said how it went
        return outcome["code"]
    if worker.stopped_by == signal.SIGINT or (options.exit_when_idle and worker.stopped_by == signal.SIGTERM):
        progress = pipeline.progress
        if options.exit_when_idle:
            say(options, f"interrupted: {progress.stored_everywhere()} of {len(progress.expected)} document(s) "
                         "in every sink", always=True)
        return EXIT_INTERRUPTED
    if options.exit_when_idle:  # stopped before idle without a signal: something went wrong
        say(options, "newsflow run: the worker stopped before everything was stored", always=True)
        return EXIT_FAILED
    return EXIT_OK


@contextlib.contextmanager
def embedded_broker_if_needed(config: Config, share: bool = True):
    """Yield the bootstrap address: ``--broker``, else this data folder's embedded broker,
    started here or, with ``share``, the one another ``newsflow run`` in the folder started
    (this worker then joins that run's consumer group and shares its partitions)."""
    if config.broker:
        yield config.broker
        return
    with folder_broker(config.data_dir, share=share) as (bootstrap, _owned):
        yield bootstrap


def add_replay_task(pipeline, options: RunOptions, outcome: dict[str, int]) -> None:
    """Publish the replay files once the worker runs; stop it when idle, if asked."""

    @pipeline.app.task
    async def replay_and_maybe_stop() -> None:
        try:
            code = await replay_then_wait(pipeline, options)
        except Exception as exc:  # noqa: BLE001 - our own failure: the run must say so
            log.exception("replay failed")
            pipeline.crash = exc
            os.kill(os.getpid(), signal.SIGTERM)
            return
        if code is not None:
            outcome["code"] = code
            os.kill(os.getpid(), signal.SIGTERM)  # the worker's own, orderly shutdown path


async def replay_then_wait(pipeline, options: RunOptions) -> int | None:
    """Publish the replay files, poll the feeds once (exit-when-idle), wait until idle;
    returns the exit code once idle, None for a worker that keeps running."""
    progress = pipeline.progress

    async def send(topic, key, value):
        await pipeline.send_bytes(pipeline.names.base_of(topic), key, value)

    replay_lost: Counter = Counter()
    display = start_display(pipeline, options)
    if options.replay:
        replayed = await publish_replay(send, pipeline.names, options.replay, progress, pipeline.monitor)
        replay_lost = replayed.dead_lettered
        say(options, f"{replayed.describe()} into {pipeline.names.raw}")
    if options.feed_polling == "once" and pipeline.fetcher is not None:
        report = await pipeline.fetcher.poll(force=True)  # every feed once
        say(options, f"polled {report.feeds_polled} feed(s) ({report.feeds_failed} failed): "
                     f"{report.published} new article(s)")
        if report.feeds_polled and report.feeds_failed == report.feeds_polled:
            say(options, "newsflow run: no feed was reachable", always=True)
            return EXIT_FAILED
    if progress.report is not None:  # a supervised child: the supervisor waits for the group
        progress.report({"event": "polled" if options.feed_polling == "once" else "ready"})
        return None
    progress.finish_replay()
    if not options.exit_when_idle:
        return None
    try:
        await progress.wait_idle()
    finally:
        if display is not None:
            display.cancel()
    lost = progress.lost() + replay_lost
    say(options, f"idle: {progress.stored_everywhere()} document(s) in every sink"
                 + (f", {sum(lost.values())} not stored: " + ", ".join(f"{n} {why}" for why, n in sorted(lost.items()))
                    + " (see `newsflow dlq list`)" if lost else ""), always=bool(lost))
    return EXIT_DEAD_LETTERS if lost else EXIT_OK


def add_orphan_watch(pipeline) -> None:
    """A supervised child whose supervisor died (SIGKILL) stops itself rather than run on alone."""
    parent = os.getppid()

    @pipeline.app.timer(2.0)
    async def stop_if_orphaned() -> None:
        if os.getppid() != parent:
            log.warning("supervisor %d is gone; stopping", parent)
            os.kill(os.getpid(), signal.SIGTERM)


def reporter(fd: int | None):
    """Progress events as JSON lines on the supervisor's pipe; a gone supervisor stops this child."""
    if fd is None:
        return None
    import orjson

    pipe = os.fdopen(fd, "wb", buffering=0)

    def report(event: dict) -> None:
        try:
            pipe.write(orjson.dumps(event) + b"\n")
        except BrokenPipeError:
            os.kill(os.getpid(), signal.SIGTERM)

    return report


def start_display(pipeline, options: RunOptions) -> asyncio.Task | None:
    """With exit_when_idle: a progress bar (or plain lines) until the run is idle."""
    if not options.exit_when_idle or options.quiet or not options.progress_bar:
        return None
    progress, monitor = pipeline.progress, pipeline.monitor

    def figures() -> dict:
        totals = monitor.totals
        return {"published": totals["given"], "stripped": totals["stripper"], "enriched": totals["attributor"],
                "stored": totals["stored"], "dead": totals["dead"],
                "total": len(progress.expected) if progress.replay_done else None}

    display = ProgressDisplay(figures)

    async def show() -> None:
        try:
            await display.run()
        finally:
            display.close()

    return asyncio.ensure_future(show())


async def start_dashboard(pipeline, config: Config, port: int, options: RunOptions) -> None:
    """Serve the dashboard, /api/status and /metrics; write the address down for `newsflow status`."""
    from newsflow import __version__

    dashboard = Dashboard(pipeline.monitor, pipeline.metrics.registry,
                          describe=lambda: {"version": __version__, "data_dir": str(config.data_dir)})
    url = await dashboard.start(config.web_host, port)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    address = write_address(config.data_dir, url, config.worker_slot if options.report_fd is not None else None)
    say(options, f"dashboard: {url} (JSON {url}api/status, Prometheus {url}metrics; `newsflow status`)")

    @pipeline.app.on_before_shutdown.connect
    async def stop_dashboard(app, **kwargs) -> None:
        with contextlib.suppress(FileNotFoundError):
            if address.read_text().strip() == url:  # another run in this folder may have taken it over
                address.unlink()
        await dashboard.stop()


async def setup_sinks(sinks) -> None:
    """Create or migrate every store before consuming anything."""
    for sink in sinks:
        try:
            await sink.setup()
        except Exception as exc:  # noqa: BLE001 - reported with the sink's (masked) name
            raise RuntimeError(f"sink {sink.name} could not be set up: {exc}") from exc


def add_shutdown(pipeline) -> None:
    """Once the agents have stopped (Ctrl-C, SIGTERM or idle): close stores and HTTP connections."""

    @pipeline.app.on_before_shutdown.connect
    async def close_resources(app, **kwargs) -> None:
        for sink in pipeline.sinks:
            try:
                await sink.close()
            except Exception:  # noqa: BLE001 - close the others; unacked messages are redelivered
                log.exception("closing sink %s failed", sink.name)
        if pipeline.fetcher is not None:
            await pipeline.fetcher.close()
        for runner in pipeline.runners.values():
            runner.stop()


def announce(config: Config, bootstrap: str, sinks, options: RunOptions) -> None:
    where = "embedded tansu broker (topics kept in memory)" if not config.broker else "broker"
    say(options, f"newsflow worker: {where} at {bootstrap}; sinks: {', '.join(s.name for s in sinks)}")


def say(options: RunOptions, text: str, always: bool = False) -> None:
    """A progress line on stderr (``always``: also under --quiet, for what went wrong)."""
    if always or not options.quiet:
        write_line(text)
