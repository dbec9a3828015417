"""Start the worker with all agents (and the embedded broker when none is configured).

With --replay, publish files into news.raw once the worker runs; with
--exit-when-idle, exit once every replayed document has reached every sink
(exit code 3 if some were dead-lettered instead).
"""

from __future__ import annotations

from pathlib import Path


def add_arguments(parser) -> None:
    parser.add_argument("--replay", nargs="+", action="extend", default=[], metavar="PATH",
                        help="files or folders to replay into news.raw")
    parser.add_argument("--exit-when-idle", action="store_true",
                        help="exit once every replayed document reached every sink")
    parser.add_argument("--sink", dest="sinks", action="append", default=[], metavar="SPEC",
                        help="jsonl:PATH, sqlite:PATH or postgresql://... (repeatable; default sqlite:data/newsflow.sqlite3)")
    parser.add_argument("--validate-output", action="store_true", default=None,
                        help="check every produced message against its topic's schema")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.add_argument("--metrics-port", dest="metrics_port", type=int,
                        help="serve Prometheus metrics on 127.0.0.1:PORT/metrics (env NEWSFLOW_METRICS_PORT)")
    fetch = parser.add_argument_group("fetching (continuous operation against feeds)")
    fetch.add_argument("--feeds", metavar="FILE", help="feed list: one URL per line, or TOML [[feed]] tables "
                                                      "(env NEWSFLOW_FEEDS); with --exit-when-idle, poll each once")
    fetch.add_argument("--contact-url", dest="contact_url", help="sent in the User-Agent (env NEWSFLOW_CONTACT_URL)")
    fetch.add_argument("--min-host-delay", dest="min_host_delay", type=float,
                       help="seconds between two requests to one host (default 1; robots Crawl-delay may raise it)")
    fetch.add_argument("--global-concurrency", dest="global_concurrency", type=int,
                       help="requests in flight across all hosts (default 32)")
    fetch.add_argument("--allow-private-addresses", dest="allow_private_addresses", action="store_true", default=None,
                       help="allow fetching loopback, private and link-local addresses (refused by default)")
    fetch.add_argument("--warc", dest="warc_path", metavar="PATH", help="archive every response to this .warc(.gz)")


def config_overrides(args) -> dict:
    paths = {k: Path(getattr(args, k)) if getattr(args, k) else None for k in ("feeds", "warc_path")}
    return {"sinks": tuple(args.sinks) or None, "validate_output": args.validate_output, **paths,
            "metrics_port": args.metrics_port,
            **{k: getattr(args, k) for k in ("contact_url", "min_host_delay", "global_concurrency",
                                             "allow_private_addresses")}}


def run(args, config) -> int:
    for path in args.replay:
        if not Path(path).exists():
            raise FileNotFoundError(f"--replay: no such file or folder: {path}")
    from newsflow.stream.worker import RunOptions  # loads faust: only when running
    from newsflow.stream.worker import run as run_worker

    options = RunOptions(replay=[Path(p) for p in args.replay], exit_when_idle=args.exit_when_idle,
                         quiet=args.quiet)
    code = run_worker(config, options)
    if args.exit_when_idle and not args.quiet:
        from newsflow.cli.summary import print_summary

        print_summary(config.default_sinks)
    return code
