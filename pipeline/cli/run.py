"""Start the worker with all agents (and the embedded broker when none is configured).

With --replay, publish files into news.raw once the worker runs; with
--exit-when-idle, exit once every replayed document has reached every sink
(exit code 3 if some were dead-lettered instead).
"""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path

from newsflow.cli import SHARED, port_number
from newsflow.config import COMPRESSION_CODECS, FetchSettings, env_name, flag_name

OPTIONS = tuple(SHARED)  # the worker uses every shared setting


def add_arguments(parser) -> None:
    parser.add_argument("--replay", nargs="+", action="extend", default=[], metavar="PATH",
                        help="files or folders to replay into news.raw")
    parser.add_argument("--exit-when-idle", action="store_true",
                        help="exit once every replayed document reached every sink")
    parser.add_argument("--sink", dest="sinks", action="append", default=[], metavar="SPEC",
                        help="jsonl:PATH, sqlite:PATH or postgresql://... (repeatable; default sqlite:data/newsflow.sqlite3)")
    parser.add_argument("--validate-output", action="store_true", default=None,
                        help="check every produced message against its topic's schema")
    parser.add_argument("--quiet", action="store_true", help="no progress bar, progress lines or summary")
    scale = parser.add_argument_group("scaling and state (each flag also as NEWSFLOW_<NAME>)")
    scale.add_argument("--processes", metavar="N|auto",
                       help="worker processes in one consumer group (default 1; auto: one per core)")
    scale.add_argument("--compression", choices=COMPRESSION_CODECS,
                       help="codec of every produced message (default zstd)")
    scale.add_argument("--table-store", dest="table_store", metavar="URL",
                       help="Faust table store: memory:// (default) or rocksdb:// (pip install newsflow[rocksdb])")
    # Set by the supervisor for its children (newsflow.stream.supervisor).
    parser.add_argument("--report-fd", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--poll", choices=("auto", "once", "continuous", "off"), default="auto",
                        help=argparse.SUPPRESS)
    web = parser.add_argument_group("watching it work")
    web.add_argument("--web-port", dest="web_port", type=port_number, metavar="PORT",
                     help="serve the live dashboard at http://HOST:PORT/, JSON at /api/status, Prometheus at "
                          "/metrics (env NEWSFLOW_WEB_PORT; 0 picks a free port)")
    web.add_argument("--web-host", dest="web_host", metavar="HOST",
                     help="address the dashboard listens on (env NEWSFLOW_WEB_HOST, default 127.0.0.1)")
    web.add_argument("--metrics-port", dest="metrics_port", type=port_number, metavar="PORT",
                     help="alias of --web-port, kept for Prometheus set-ups (env NEWSFLOW_METRICS_PORT)")
    parser.add_argument("--stage-timeout", dest="stage_timeout", metavar="SECONDS",
                        help="time budget of the stripper and the attributor per message and started megabyte of text; "
                             "past it the message is dead-lettered with reason timeout "
                             "(default 10; env NEWSFLOW_STAGE_TIMEOUT)")
    fetch = parser.add_argument_group("fetching (continuous operation against feeds; each flag also as NEWSFLOW_<NAME>)")
    fetch.add_argument("--feeds", metavar="FILE", help="feed list: one URL per line, or TOML [[feed]] tables "
                                                      "(env NEWSFLOW_FEEDS); with --exit-when-idle, poll each once")
    fetch.add_argument("--poll-tick", dest="poll_tick", metavar="SECONDS",
                       help="how often the leader checks for due feeds (default 5)")
    for f in dataclasses.fields(FetchSettings):
        add_setting(fetch, f, aliases=("--warc",) if f.name == "warc_path" else ())


def add_setting(group, f: dataclasses.Field, aliases: tuple[str, ...] = ()) -> None:
    """A flag for one setting; its text goes through the one coercion routine of newsflow.config."""
    kind = str(f.type).removesuffix(" | None")
    help = f"{f.metadata['help']} (default {f.default}; env {env_name(f.name)})"
    if kind == "bool":
        group.add_argument(flag_name(f.name), *aliases, dest=f.name, action=argparse.BooleanOptionalAction,
                           default=None, help=help)
    else:
        group.add_argument(flag_name(f.name), *aliases, dest=f.name, metavar=kind.upper(), help=help)


def config_overrides(args) -> dict:
    fetch = {f.name: getattr(args, f.name) for f in dataclasses.fields(FetchSettings)}
    scale = {k: getattr(args, k) for k in ("processes", "compression", "table_store")}
    return {"sinks": tuple(args.sinks) or None, "validate_output": args.validate_output, "feeds": args.feeds,
            "poll_tick": args.poll_tick, "metrics_port": args.metrics_port, "web_port": args.web_port,
            "web_host": args.web_host, "stage_timeout": args.stage_timeout,
            **fetch, **scale}


def check_sink_folder(spec: str, data_dir: Path) -> None:
    """A file sink must go into a folder that exists or into the data folder (which the
    worker creates): a typo in a path must not scatter folders and files."""
    scheme, _, path = spec.partition(":")
    if scheme not in ("sqlite", "jsonl") or not path:
        return
    parent = Path(path).expanduser().resolve().parent
    if not parent.is_dir() and not parent.is_relative_to(data_dir.resolve()):
        raise ValueError(f"sink {spec}: folder {Path(path).parent} does not exist")


def run(args, config) -> int:
    for spec in config.sinks:
        check_sink_folder(spec, config.data_dir)
    for path in args.replay:
        if not Path(path).exists():
            raise FileNotFoundError(f"--replay: no such file or folder: {path}")
    from newsflow.stream.worker import RunOptions  # loads faust: only when running
    from newsflow.stream.worker import run as run_worker

    options = RunOptions(replay=[Path(p) for p in args.replay], exit_when_idle=args.exit_when_idle,
                         quiet=args.quiet, report_fd=args.report_fd, poll=args.poll)
    if config.processes > 1:
        from newsflow.stream.supervisor import run as run_group

        code = run_group(config, options)
    else:
        code = run_worker(config, options)
    if args.exit_when_idle and not args.quiet:
        from newsflow.cli.summary import format_run_summary

        print(format_run_summary(options.monitor.summary()))
    return code
