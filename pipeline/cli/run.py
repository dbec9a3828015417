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


def config_overrides(args) -> dict:
    return {"sinks": tuple(args.sinks) or None, "validate_output": args.validate_output}


def run(args, config) -> int:
    for path in args.replay:
        if not Path(path).exists():
            raise FileNotFoundError(f"--replay: no such file or folder: {path}")
    from pipeline.worker import RunOptions, run as run_worker  # loads faust: only when running

    options = RunOptions(replay=[Path(p) for p in args.replay], exit_when_idle=args.exit_when_idle,
                         quiet=args.quiet)
    code = run_worker(config, options)
    if args.exit_when_idle and not args.quiet:
        from pipeline.cli.summary import print_summary

        print_summary(config.default_sinks)
    return code
