"""One frozen configuration object, built once at the CLI edge.

Stages never read the environment; the CLI merges defaults, ``NEWSFLOW_*``
environment variables and flags into a :class:`Config` and passes it down.
Every setting, the fetcher's included, has a flag and a ``NEWSFLOW_<NAME>``
variable, and every value goes through one routine, :func:`coerce`: an unknown
or mistyped setting is a one-line :class:`ConfigError`, never silently ignored.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

DEFAULT_DATA_DIR = Path("data")
DEFAULT_USER_AGENT = "newsflow/0.1"
ENV_PREFIX = "NEWSFLOW_"
# Variables read by tests and benches only; they are not Config settings.
ENV_NOT_SETTINGS = {"NEWSFLOW_BENCH_DIR", "NEWSFLOW_TEST_POSTGRES_URL"}
COMPRESSION_CODECS = ("zstd", "lz4", "gzip", "snappy", "none")


class ConfigError(ValueError):
    """A setting is unknown, has a value of the wrong type or out of range."""


def _knob(default: Any, help: str) -> Any:
    """A setting with its one-line help (shown by ``newsflow run --help``)."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class FetchSettings:
    """Every knob of the fetcher (times in seconds, sizes in bytes), part of :class:`Config`.

    The fetcher receives only this object, so it stays testable without a Config.
    """

    user_agent: str = _knob(DEFAULT_USER_AGENT, "product token of the User-Agent, matched against robots.txt")
    contact_url: str | None = _knob(None, "sent in the User-Agent as (+URL) so site owners can reach the operator")
    min_host_delay: float = _knob(1.0, "seconds between two requests to one host (robots Crawl-delay may raise it)")
    max_crawl_delay: float = _knob(60.0, "cap on a robots.txt Crawl-delay that is honoured")
    global_concurrency: int = _knob(32, "requests in flight across all hosts")
    max_feeds_in_flight: int = _knob(500, "feed polls (each with its articles) running at once")
    connect_timeout: float = _knob(10.0, "connect timeout")
    read_timeout: float = _knob(20.0, "read timeout")
    total_timeout: float = _knob(60.0, "total timeout of one request")
    max_redirects: int = _knob(5, "redirects followed (the final URL is kept)")
    max_body_bytes: int = _knob(5_000_000, "larger responses are refused")
    max_retries: int = _knob(2, "extra attempts after a timeout, connection error, 5xx or 429")
    backoff_base: float = _knob(1.0, "first retry waits this long, doubling each time")
    max_retry_after: float = _knob(300.0, "longer Retry-After values are not waited for in-process")
    min_poll_interval: float = _knob(120.0, "shortest adaptive feed poll interval")
    default_poll_interval: float = _knob(900.0, "poll interval of a new feed")
    max_poll_interval: float = _knob(6 * 3600.0, "longest adaptive feed poll interval")
    poll_jitter: float = _knob(0.1, "fraction of the interval added at random, so feeds drift apart")
    max_seen_per_feed: int = _knob(300, "entry fingerprints remembered per feed (~70 B each)")
    max_seen_urls: int = _knob(200_000, "article URLs remembered for dedup")
    max_seen_age: float = _knob(90 * 86400.0, "seconds an article URL is remembered for dedup")
    max_articles_per_poll: int = _knob(100, "articles taken from one poll of a feed")
    max_child_sitemaps: int = _knob(20, "child sitemaps followed from a sitemap index")
    robots_ttl: float = _knob(24 * 3600.0, "how long a host's robots.txt is cached")
    robots_error_ttl: float = _knob(600.0, "how long an unreachable robots.txt keeps a host waiting")
    obey_robots: bool = _knob(True, "honour robots.txt for article pages")
    near_duplicate_threshold: float = _knob(0.95, "SimHash similarity at or above which a page is marked")
    max_fingerprints: int = _knob(50_000, "SimHash fingerprints remembered")
    drop_near_duplicates: bool = _knob(False, "drop near-duplicates instead of only marking them")
    allow_private_addresses: bool = _knob(False, "allow loopback, private and link-local addresses")
    warc_path: str | None = _knob(None, "archive every response to this .warc(.gz)")
    pending_retry_base: float = _knob(30.0, "first wait before a link that failed transiently (timeout, 5xx, 429, "
                                            "robots.txt unavailable) is tried again, doubling each try")
    pending_retry_max: float = _knob(3600.0, "longest wait between two tries of a pending link")
    give_up_after: float = _knob(24 * 3600.0, "a link still failing this long after its first failure is given up "
                                              "(counted, and dead-lettered as given-up)")

    def __post_init__(self) -> None:
        _coerce_fields(self)
        _check_fetch_ranges(self)

    @property
    def user_agent_header(self) -> str:
        """The User-Agent sent: product token plus the contact URL when configured."""
        if self.contact_url:
            return f"{self.user_agent} (+{self.contact_url})"
        return self.user_agent

    @property
    def robots_token(self) -> str:
        """The product token matched against robots.txt ``User-agent`` lines."""
        return self.user_agent.split("/", 1)[0].strip() or "*"

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> FetchSettings:
        """Build from a parsed config section; unknown keys are an error."""
        unknown = sorted(set(values) - FETCH_FIELDS.keys())
        if unknown:
            raise ConfigError(f"unknown fetch settings: {', '.join(unknown)}")
        return cls(**dict(values))

    def replace(self, **changes: Any) -> FetchSettings:
        """A copy with some settings changed (validated again)."""
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Config:
    """Everything a newsflow process needs to know, with production-safe defaults."""

    broker: str | None = None  # HOST:PORT[,HOST:PORT]; None starts the embedded tansu broker
    topic_prefix: str = ""  # e.g. "staging." gives "staging.news.raw"
    # Partitions are fixed when a topic is created: enough for this machine's cores and for
    # the machines added later (a group shares at most one process per partition).
    partitions: int = 12
    processes: int = 1  # worker processes `newsflow run` starts (NEWSFLOW_PROCESSES=auto: one per core)
    worker_slot: int = 0  # set by the supervisor for each child: names its table folder
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
    compression: str = "zstd"  # producer codec: zstd, lz4, gzip, snappy or none (news.raw carries whole pages)
    table_store: str = "memory://"  # Faust table store; rocksdb:// (pip install newsflow[rocksdb]) for production
    validate_output: bool = False  # check every produced message against its schema
    log_level: str = "warning"
    metrics_port: int | None = None  # alias of web_port (Prometheus /metrics is served by the dashboard)
    web_port: int | None = None  # dashboard, /api/status and /metrics on web_host:PORT (0: any free port)
    web_host: str = "127.0.0.1"
    log_format: str = "text"  # or "json": one object per line, for log shippers
    verbose_internals: bool = False  # Faust/aiokafka/mode info and debug lines too
    feeds: Path | None = None  # feed list: one URL per line, or TOML with [[feed]] tables
    poll_tick: float = 5.0  # how often the leader worker checks for due feeds
    # Seconds the stripper or the attributor may spend on one message, per started megabyte
    # of its text; past it the message is dead-lettered (reason timeout) and the stage's child
    # process replaced.  A 1.2 MB page strips in about 8 s on a loaded 2-core machine.
    stage_timeout: float = 10.0
    fetch: FetchSettings = field(default_factory=FetchSettings)  # flat names: NEWSFLOW_MIN_HOST_DELAY

    def __post_init__(self) -> None:
        _coerce_fields(self)
        if self.partitions < 1:
            raise ConfigError("partitions must be at least 1")
        if self.processes < 1:
            raise ConfigError("processes must be at least 1 (or auto)")
        if self.compression not in COMPRESSION_CODECS:
            raise ConfigError(f"compression {self.compression!r}: use one of {', '.join(COMPRESSION_CODECS)}")
        if not self.table_store.startswith(("memory://", "rocksdb://")):
            raise ConfigError(f"table_store {self.table_store!r}: use memory:// or rocksdb://")
        if self.stage_timeout <= 0:
            raise ConfigError("stage_timeout must be a positive number of seconds")
        for name in ("web_port", "metrics_port"):
            port = getattr(self, name)
            if port is not None and not 0 <= port <= 65535:
                raise ConfigError(f"{name} must be between 0 and 65535, not {port}")
        if self.log_format not in ("text", "json"):
            raise ConfigError(f"log_format must be text or json, not {self.log_format!r}")

    @property
    def default_sinks(self) -> tuple[str, ...]:
        return self.sinks or (f"sqlite:{self.data_dir / 'newsflow.sqlite3'}",)

    @property
    def table_dir(self) -> Path:
        """Faust's folder for this process's tables (one per supervisor slot: RocksDB locks its files)."""
        return self.data_dir / "tables" / f"worker-{self.worker_slot}"

    def describe(self) -> dict[str, Any]:
        """The settings as printable values, with every secret masked (see :func:`mask_secrets`)."""
        values = dataclasses.asdict(self)
        values["sinks"] = list(self.default_sinks)
        return _printable(values)


def _printable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    if isinstance(value, str | Path):
        return mask_secrets(str(value))
    return value


# --- the one secret masker --------------------------------------------------------------

_SECRET_PARAM = re.compile(r"pass|secret|token|key|credential", re.IGNORECASE)


def mask_secrets(spec: str) -> str:
    """A URL or sink spec with its secrets as ``***``: the password of the userinfo and
    query parameters such as ``password=``, ``sslpassword=``, ``token=`` or ``api_key=``.

    ``postgresql://user:secret@host/db?password=x`` -> ``postgresql://user:***@host/db?password=***``.
    """
    if "://" not in spec and "=" not in spec:
        return spec  # sqlite:PATH, jsonl:PATH, HOST:PORT
    parts = urlsplit(spec)
    netloc = parts.netloc
    if parts.password is not None:
        userinfo, _, hostport = netloc.rpartition("@")
        netloc = f"{userinfo.split(':', 1)[0]}:***@{hostport}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, "***" if _SECRET_PARAM.search(k) else v) for k, v in pairs], safe="*")
    return urlunsplit(parts._replace(netloc=netloc, query=query))


# --- the one coercion routine -----------------------------------------------------------

_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}


def coerce(label: str, value: Any, kind: str) -> Any:
    """``value`` as a setting of type ``kind`` (a dataclass annotation such as ``"int | None"``).

    Text (a flag or a ``NEWSFLOW_*`` variable) is parsed; other values must already have
    the type (an int is fine for a float).  ``label`` names the setting in the error.
    """
    base, optional = kind.removesuffix(" | None"), kind.endswith(" | None")
    if value is None or (optional and value == ""):
        if optional:
            return None
        raise ConfigError(f"{label} is required ({base})")
    try:
        if isinstance(value, str):
            return _parse(value, base)
        return _checked(value, base)
    except (TypeError, ValueError):
        raise ConfigError(f"{label}={value!r} is not a valid {base}") from None


def _parse(text: str, base: str) -> Any:
    if base == "bool":
        if text.lower() not in _TRUE | _FALSE:
            raise ValueError(text)
        return text.lower() in _TRUE
    parsers: dict[str, Any] = {"int": int, "float": float, "str": str, "Path": Path,
                               "tuple[str, ...]": lambda t: tuple(s.strip() for s in t.split(",") if s.strip())}
    return parsers[base](text)


def _checked(value: Any, base: str) -> Any:
    types: dict[str, Any] = {"int": int, "float": (int, float), "bool": bool, "str": str, "Path": Path,
                             "tuple[str, ...]": tuple, "FetchSettings": FetchSettings}
    if (isinstance(value, bool) and base != "bool") or not isinstance(value, types[base]):
        raise TypeError(base)
    if base == "float":
        return float(value)
    if base == "tuple[str, ...]" and not all(isinstance(v, str) for v in value):
        raise TypeError(base)
    return value


def _coerce_fields(settings: Any) -> None:
    """Run every field of a frozen settings dataclass through :func:`coerce`."""
    for f in dataclasses.fields(settings):
        value = coerce(f.name, getattr(settings, f.name), str(f.type))
        object.__setattr__(settings, f.name, value)


def _check_fetch_ranges(s: FetchSettings) -> None:
    """Reject values that would make the crawler impolite or stuck."""
    rules = [
        (s.min_host_delay >= 0 and s.global_concurrency >= 1 and s.max_redirects >= 0,
         "min_host_delay >= 0, global_concurrency >= 1, max_redirects >= 0"),
        (s.max_feeds_in_flight >= 1 and s.max_articles_per_poll >= 1,
         "max_feeds_in_flight >= 1 and max_articles_per_poll >= 1"),
        (s.max_body_bytes >= 1024 and s.max_retries >= 0, "max_body_bytes >= 1024 and max_retries >= 0"),
        (0 < s.min_poll_interval <= s.default_poll_interval <= s.max_poll_interval,
         "0 < min_poll_interval <= default_poll_interval <= max_poll_interval"),
        (0 <= s.poll_jitter < 1 and 0 < s.near_duplicate_threshold <= 1,
         "poll_jitter in [0, 1), near_duplicate_threshold in (0, 1]"),
        (0 < s.pending_retry_base <= s.pending_retry_max and s.give_up_after > 0,
         "0 < pending_retry_base <= pending_retry_max and give_up_after > 0"),
    ]
    for ok, rule in rules:
        if not ok:
            raise ConfigError(f"fetch settings out of range: need {rule}")


# --- building the configuration ---------------------------------------------------------

CONFIG_FIELDS = {f.name: str(f.type) for f in dataclasses.fields(Config) if f.name != "fetch"}
FETCH_FIELDS = {f.name: str(f.type) for f in dataclasses.fields(FetchSettings)}
SETTINGS = {**CONFIG_FIELDS, **FETCH_FIELDS}  # flat: every name is a flag and a NEWSFLOW_ variable


def parse_processes(value: Any) -> Any:
    """``auto`` is one worker process per core of this machine."""
    return (os.cpu_count() or 1) if str(value).strip().lower() == "auto" else value


def to_environment(config: Config) -> dict[str, str]:
    """Every setting as a ``NEWSFLOW_*`` variable, so a child process builds the same Config."""
    values = {**{n: getattr(config, n) for n in CONFIG_FIELDS}, **dataclasses.asdict(config.fetch)}
    env = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, tuple):
            value = ",".join(value)
        elif isinstance(value, bool):
            value = "true" if value else "false"
        env[env_name(name)] = str(value)
    return env


def env_name(name: str) -> str:
    return ENV_PREFIX + name.upper()


def flag_name(name: str) -> str:
    return "--" + name.replace("_", "-")


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Settings from ``NEWSFLOW_*`` variables; unknown names raise ConfigError."""
    settings = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key in ENV_NOT_SETTINGS:
            continue
        name = key[len(ENV_PREFIX):].lower()
        if name not in SETTINGS:
            raise ConfigError(f"unknown setting {key}; known: {', '.join(env_name(n) for n in SETTINGS)}")
        settings[name] = coerce(key, parse_processes(raw) if name == "processes" else raw, SETTINGS[name])
    return settings


def build_config(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None) -> Config:
    """Defaults, then environment, then explicit overrides (CLI flags); None means "not given"."""
    settings = from_environment(os.environ if environ is None else environ)
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        if name not in SETTINGS:
            raise ConfigError(f"unknown setting {name}")
        value = parse_processes(value) if name == "processes" else value
        settings[name] = coerce(flag_name(name), value, SETTINGS[name])
    fetch = FetchSettings(**{k: v for k, v in settings.items() if k in FETCH_FIELDS})
    return Config(**{k: v for k, v in settings.items() if k in CONFIG_FIELDS}, fetch=fetch)
