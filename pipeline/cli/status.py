"""Show what a running worker is doing (from its dashboard's /api/status).

The worker's address is read from the data folder (``newsflow run --web-port`` writes
``web.address`` there), or given with --url.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

import orjson

OPTIONS = ("data_dir",)
STAGES = (("given", "published"), ("fetcher", "fetched"), ("stripper", "stripped"), ("attributor", "enriched"),
          ("stored", "stored"), ("dead", "dead-lettered"))


def add_arguments(parser) -> None:
    parser.add_argument("--url", help="the worker's dashboard URL (default: from DATA_DIR/web.address)")
    parser.add_argument("--json", action="store_true", help="print /api/status as it is")


def run(args, config) -> int:
    from newsflow.web import read_address

    url = args.url or read_address(config.data_dir)
    if not url:
        raise RuntimeError(f"no running worker found: {config.data_dir / 'web.address'} is missing "
                           "(start `newsflow run --web-port PORT`, or pass --url)")
    status = fetch_status(url)
    print(orjson.dumps(status, option=orjson.OPT_INDENT_2).decode() if args.json else format_status(status, url))
    return 0


def fetch_status(url: str) -> dict[str, Any]:
    api = url.rstrip("/") + "/api/status"
    try:
        with urllib.request.urlopen(api, timeout=5) as response:
            return orjson.loads(response.read())
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RuntimeError(f"no worker answers at {url} ({reason}); is `newsflow run --web-port` running?") from None


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f} ms" if value < 1000 else f"{value / 1000:.1f} s"


def format_status(s: dict[str, Any], url: str) -> str:
    """A few lines a person reads: counts and rates, latency, lag, dead letters, feeds, latest articles."""
    totals, rates = s["totals"], s["rates_per_s"]
    e2e = s["latency_ms"]["end_to_end"]
    who = f"{s['processes']} worker processes (supervisor pid {s.get('pid')})" if s.get("processes") \
        else f"worker pid {s.get('pid')}"
    lines = [f"newsflow {s.get('version', '?')} {who} at {url}, up {s['uptime_s']:.0f} s",
             "  " + ", ".join(f"{totals[k]} {label} ({rates[k]:.1f}/s)" for k, label in STAGES),
             f"  latency end to end: p50 {_ms(e2e['p50'])}, p99 {_ms(e2e['p99'])} over {e2e['count']} article(s)"]
    if s["lag"]:
        lines.append("  lag: " + ", ".join(f"{topic} {n}" for topic, n in s["lag"].items()))
    for d in s["dead_letters"]["by"]:
        lines.append(f"  dead letters from {d['stage']}: {d['count']} {d['reason']}")
    feeds = s["feeds"]
    if feeds["count"]:
        lines.append(f"  feeds: {feeds['count']}, {feeds['due']} due, {feeds['failing']} failing")
        for f in feeds["list"]:
            if f["failures"]:
                lines.append(f"    failing {f['url']}: {f['failures']} in a row, {f['last_error']}")
    now = s.get("now", time.time())
    for a in s["articles"][:5]:
        speakers = sorted({x["speaker"] for x in a["attributions"]})
        lines.append(f"  stored {now - a['stored_at']:.0f} s ago: {a['title'] or '(no title)'} [{a['id']}]"
                     + (f" - {', '.join(speakers)}" if speakers else ""))
    return "\n".join(lines)
