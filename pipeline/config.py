"""One frozen configuration object, built once at the CLI edge.

Stages never read the environment; the CLI merges defaults, ``NEWSFLOW_*``
environment variables and flags into a :class:`Config` and passes it down.
An unknown or mistyped ``NEWSFLOW_*`` variable is an error, not silently ignored.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_DATA_DIR = Path("data")


class ConfigError(ValueError):
    """A setting is unknown or has a value of the wrong type."""


@dataclass(frozen=True)
class Config:
    """Everything a newsflow process needs to know, with production-safe defaults."""

    broker: str | None = None  # HOST:PORT[,HOST:PORT]; None starts the embedded tansu broker
    topic_prefix: str = ""  # e.g. "staging." gives "staging.news.raw"
    partitions: int = 1
    app_id: str = "newsflow"
    data_dir: Path = DEFAULT_DATA_DIR
    sinks: tuple[str, ...] = ()
    # Kafka's group coordinator (and tansu's) waits about half the session timeout for
    # members before the first assignment; faust's default of 60 s made a worker take
    # 30 s to join.  10 s still tolerates a busy event loop on a small machine.
    session_timeout: float = 10.0
    heartbeat_interval: float = 1.0
    sink_batch_size: int = 100
    sink_max_delay: float = 1.0
    validate_output: bool = False  # check every produced message against its schema
    log_level: str = "warning"
    metrics_port: int | None = None  # serve Prometheus /metrics on 127.0.0.1:PORT
    # Fetcher (newsflow.fetching.FetchSettings has every knob; these are the ones users set most).
    feeds: Path | None = None  # feed list: one URL per line, or TOML with [[feed]] tables
    contact_url: str | None = None  # sent in the User-Agent so site owners can reach the operator
    min_host_delay: float = 1.0
    global_concurrency: int = 32
    allow_private_addresses: bool = False
    warc_path: Path | None = None
    poll_tick: float = 5.0  # how often the leader worker checks for due feeds

    def fetch_settings(self):
        """The fetcher's own frozen settings, derived from this configuration."""
        from newsflow.fetching import FetchSettings

        return FetchSettings(contact_url=self.contact_url, min_host_delay=self.min_host_delay,
                             global_concurrency=self.global_concurrency,
                             allow_private_addresses=self.allow_private_addresses,
                             warc_path=str(self.warc_path) if self.warc_path else None)

    @property
    def default_sinks(self) -> tuple[str, ...]:
        return self.sinks or (f"sqlite:{self.data_dir / 'newsflow.sqlite3'}",)

    def describe(self) -> dict[str, Any]:
        """The settings as printable values, with secrets in sink URLs masked."""
        values = dataclasses.asdict(self)
        values["sinks"] = [mask_secrets(s) for s in self.default_sinks]
        values.update({k: str(v) for k, v in values.items() if isinstance(v, Path)})
        return values


def mask_secrets(spec: str) -> str:
    """``postgresql://user:secret@host/db`` -> ``postgresql://user:***@host/db``."""
    return re.sub(r"(://[^:/@]+:)[^@]+@", r"\1***@", spec)


ENV_PREFIX = "NEWSFLOW_"
# Variables read by tests and benches only; they are not Config settings.
ENV_NOT_SETTINGS = {"NEWSFLOW_BENCH_DIR", "NEWSFLOW_TEST_POSTGRES_URL"}


def _coerce(name: str, raw: str, kind: Any) -> Any:
    text = str(kind).removesuffix(" | None")
    try:
        if kind is bool or text == "bool":
            if raw.lower() not in {"1", "0", "true", "false", "yes", "no"}:
                raise ValueError(raw)
            return raw.lower() in {"1", "true", "yes"}
        if kind is int or text == "int":
            return int(raw)
        if kind is float or text == "float":
            return float(raw)
        if "tuple" in text:
            return tuple(s.strip() for s in raw.split(",") if s.strip())
        if "Path" in text:
            return Path(raw)
    except ValueError:
        raise ConfigError(f"{ENV_PREFIX}{name.upper()}={raw!r} is not a valid {text}") from None
    return raw


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Settings from ``NEWSFLOW_*`` variables; unknown names raise ConfigError."""
    fields = {f.name: f.type for f in dataclasses.fields(Config)}
    settings = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key in ENV_NOT_SETTINGS:
            continue
        name = key[len(ENV_PREFIX):].lower()
        if name not in fields:
            raise ConfigError(f"unknown setting {key}; known: {', '.join(ENV_PREFIX + f.upper() for f in fields)}")
        settings[name] = _coerce(name, raw, fields[name])
    return settings


def build_config(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Defaults, then environment, then explicit overrides (CLI flags); None means "not given"."""
    settings = from_environment(os.environ if environ is None else environ)
    settings.update({k: v for k, v in (overrides or {}).items() if v is not None})
    try:
        config = Config(**settings)
    except TypeError as exc:
        raise ConfigError(str(exc)) from None
    if config.partitions < 1:
        raise ConfigError("partitions must be at least 1")
    return config
