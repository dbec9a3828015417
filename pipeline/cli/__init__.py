"""``newsflow`` command line: one module per subcommand, each with ``add_arguments`` and ``run``.

Settings come from flags, then ``NEWSFLOW_*`` environment variables, then defaults,
merged once here into a frozen :class:`pipeline.config.Config`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from newsflow.config import ConfigError, build_config

COMMANDS = ("run", "replay", "extract", "tail", "search", "quotes", "schemas", "dlq", "feeds")


def common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--broker", help="Kafka bootstrap HOST:PORT (env NEWSFLOW_BROKER); "
                                         "default: the embedded tansu broker")
    parser.add_argument("--topic-prefix", dest="topic_prefix", help="prefix for topic names (env NEWSFLOW_TOPIC_PREFIX)")
    parser.add_argument("--partitions", type=int, help="partitions per topic (env NEWSFLOW_PARTITIONS)")
    parser.add_argument("--data-dir", dest="data_dir", help="folder for the default SQLite store and broker "
                                                            "address (env NEWSFLOW_DATA_DIR, default ./data)")
    parser.add_argument("--log-level", dest="log_level", choices=["debug", "info", "warning", "error"])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsflow", description="newsflow: fetch, strip, attribute and store news through Kafka topics.")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"newsflow.cli.{name}")
        doc = module.__doc__ or name
        sub = subparsers.add_parser(name, help=doc.splitlines()[0], description=doc)
        common_options(sub)
        module.add_arguments(sub)
        sub.set_defaults(module=module)
    return parser


def config_from(args: argparse.Namespace, **extra):
    keys = ("broker", "topic_prefix", "partitions", "data_dir", "log_level")
    overrides = {k: getattr(args, k, None) for k in keys}
    if overrides["data_dir"] is not None:
        from pathlib import Path

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
    logging.basicConfig(level=config.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return args.module.run(args, config) or 0
    except KeyboardInterrupt:
        return 130
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"newsflow {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
