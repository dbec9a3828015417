"""``newsflow`` command line: one module per subcommand, each with ``add_arguments`` and ``run``.

Settings come from flags, then ``NEWSFLOW_*`` environment variables, then defaults,
merged once here into a frozen :class:`pipeline.config.Config`.  A subcommand lists
the shared options it uses in ``OPTIONS``, so its ``--help`` shows only those.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path
from typing import Any

from newsflow import __version__, logs
from newsflow.config import ConfigError, build_config

COMMANDS = ("run", "replay", "extract", "tail", "search", "quotes", "speakers", "schemas", "dlq", "feeds", "status")
BROKER_OPTIONS = ("broker", "topic_prefix", "data_dir", "log_level", "log_format")
DEFAULT_OPTIONS = ("log_level", "log_format")


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0 (any free port) to 65535."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port {value} is out of range (0-65535)")
    return value


def positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1 (``--limit``, ``--max``)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


# Shared options: (flags, argparse keywords); a subcommand picks the ones it uses.
SHARED: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "broker": (("--broker",), {"help": "Kafka bootstrap HOST:PORT (env NEWSFLOW_BROKER); "
                                       "default: the embedded tansu broker"}),
    "topic_prefix": (("--topic-prefix",), {"help": "prefix for topic names (env NEWSFLOW_TOPIC_PREFIX)"}),
    "partitions": (("--partitions",), {"type": positive_int, "help": "partitions per topic (env NEWSFLOW_PARTITIONS)"}),
    "data_dir": (("--data-dir",), {"help": "folder for the default SQLite store, the broker and dashboard "
                                           "addresses (env NEWSFLOW_DATA_DIR, default ./data)"}),
    "log_level": (("--log-level",), {"choices": ["debug", "info", "warning", "error"],
                                     "help": "info: one line per article and stage (env NEWSFLOW_LOG_LEVEL)"}),
    "log_format": (("--log-format",), {"choices": ["text", "json"],
                                       "help": "json: one object per line, for log shippers (env NEWSFLOW_LOG_FORMAT)"}),
    "verbose_internals": (("--verbose-internals",), {"action": "store_true", "default": None,
                                                     "help": "also Faust/aiokafka info lines (shown at debug anyway)"}),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsflow", description="newsflow: fetch, strip, attribute and store news through Kafka topics.")
    parser.add_argument("--version", action="version", version=f"newsflow {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"newsflow.cli.{name}")
        doc = module.__doc__ or name
        sub = subparsers.add_parser(name, help=doc.splitlines()[0], description=doc)
        for option in getattr(module, "OPTIONS", DEFAULT_OPTIONS):
            flags, keywords = SHARED[option]
            sub.add_argument(*flags, dest=option, **keywords)
        module.add_arguments(sub)
        sub.set_defaults(module=module)
    return parser


def config_from(args: argparse.Namespace, **extra):
    overrides = {k: getattr(args, k, None) for k in SHARED}
    if overrides["data_dir"] is not None:
        overrides["data_dir"] = Path(overrides["data_dir"])
    return build_config({**overrides, **extra})


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = config_from(args, **args.module.config_overrides(args)) \
            if hasattr(args.module, "config_overrides") else config_from(args)
    except ConfigError as exc:
        print(f"newsflow: configuration error: {exc}", file=sys.stderr)
        return 2
    logs.configure(config.log_level, config.log_format, config.verbose_internals)
    try:
        return args.module.run(args, config) or 0
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `newsflow tail ... | head`: the reader has what it wanted
        quiet_stdout()
        return 0
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"newsflow {args.command}: {exc}", file=sys.stderr)
        return 1


def quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not complain."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
