"""Sink throughput: rows/s into each store for N synthetic enriched articles.

    python -m bench.sinks [-n 2000] [--batch-sizes 10,100,500] [--stores jsonl,sqlite,postgres]
                          [--postgres-url postgresql://127.0.0.1:5432/test]

For each store and batch size: a fresh store, N articles added as the sink
agent would (flush after every ``batch_size`` adds), then the same N again to measure
redelivery (hash compare, no write).  PostgreSQL is skipped with a message
when unreachable; it writes into a throwaway schema that is dropped after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
from psycopg import sql

from newsflow.attribution.names import speaker_list
from newsflow.records import Attribution, CleanArticle, EnrichedArticle
from newsflow.sinks import open_sink

WORDS = ("the council budget river bridge minister election court market storm school "
         "health police report city village energy price week plan vote union").split()
SPEAKERS = [f"Speaker {i:02d}" for i in range(50)]


def synthetic_articles(n: int, seed: int = 7) -> list[EnrichedArticle]:
    """``n`` deterministic articles of ~2 KB with three attributions each, and their speakers list."""
    rnd = random.Random(seed)
    items = []
    for i in range(n):
        paragraphs = [" ".join(rnd.choices(WORDS, k=60)) + "." for _ in range(5)]
        clean = CleanArticle(id=f"url:bench{i:06d}", title=f"Bench article {i}", body="\n\n".join(paragraphs),
                             paragraphs=paragraphs, tags=["bench"], authors=["Bench Writer"],
                             published="2026-11-01", language="en", url=f"https://bench.example/{i}",
                             stripper_version="bench")
        quotes = [Attribution(source="he", cue="said", content=paragraphs[k][:80], source_span=(0, 2),
                              cue_span=(3, 7), content_span=(8, 88), kind="direct",
                              speaker=rnd.choice(SPEAKERS)) for k in range(3)]
        items.append(EnrichedArticle(article=clean, attributions=quotes, attributor_version="bench",
                                     speakers=speaker_list(clean.body, quotes)))  # as the attributor sends
    return items


async def feed(spec: str, items: list[EnrichedArticle], batch_size: int) -> float:
    """Seconds to add all ``items``, flushing every ``batch_size``, and close (setup is not timed)."""
    sink = open_sink(spec)
    await sink.setup()
    start = time.perf_counter()
    for n, item in enumerate(items, 1):
        await sink.add(item)
        if n % batch_size == 0:
            await sink.flush()
    await sink.close()
    return time.perf_counter() - start


async def run_store(spec: str, items: list[EnrichedArticle], batch_size: int) -> tuple[float, float]:
    """(first delivery rows/s, redelivery rows/s) for one store and batch size."""
    first = await feed(spec, items, batch_size)
    again = await feed(spec, items, batch_size)
    return len(items) / first, len(items) / again


def postgres_available(url: str) -> str | None:
    """None if the server answers, else the reason to skip."""
    try:
        psycopg.connect(url, connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        return str(exc).strip().splitlines()[0]
    return None


def drop_schema(url: str, schema: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


async def bench_store(store: str, items: list, batch_size: int, tmp: Path, pg_url: str) -> tuple[float, float]:
    """Run one store at one batch size in a fresh location."""
    tag = f"{store}-{batch_size}"
    if store == "jsonl":
        return await run_store(f"jsonl:{tmp / tag}.jsonl", items, batch_size)
    if store == "sqlite":
        return await run_store(f"sqlite:{tmp / tag}.sqlite3", items, batch_size)
    schema = f"newsflow_bench_{uuid.uuid4().hex[:8]}"
    sep = "&" if "?" in pg_url else "?"
    try:
        return await run_store(f"{pg_url}{sep}schema={schema}", items, batch_size)
    finally:
        drop_schema(pg_url, schema)


async def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    items = synthetic_articles(args.n)
    stores = args.stores.split(",")
    if "postgres" in stores and (reason := postgres_available(args.postgres_url)):
        print(f"postgres: skipped, {args.postgres_url} unreachable ({reason})")
        stores.remove("postgres")
    print(f"{args.n} articles, ~{len(items[0].article.body)} chars body, 3 attributions each\n")
    print(f"{'store':<9} {'batch':>6} {'rows/s':>10} {'redelivered rows/s':>20}")
    with tempfile.TemporaryDirectory(prefix="newsflow-bench-") as tmp:
        for store in stores:
            for size in args.batch_sizes:
                first, again = await bench_store(store, items, size, Path(tmp), args.postgres_url)
                print(f"{store:<9} {size:>6} {first:>10,.0f} {again:>20,.0f}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.sinks", description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="articles per run (default 2000)")
    parser.add_argument("--batch-sizes", type=lambda s: [int(x) for x in s.split(",")], default=[10, 100, 500])
    parser.add_argument("--stores", default="jsonl,sqlite,postgres")
    parser.add_argument("--postgres-url", default=os.environ.get("NEWSFLOW_BENCH_POSTGRES_URL",
                                                                 "postgresql://127.0.0.1:5432/test"))
    args = parser.parse_args(argv)
    unknown = set(args.stores.split(",")) - {"jsonl", "sqlite", "postgres"}
    if unknown:
        parser.error(f"unknown stores {sorted(unknown)}; choose from jsonl, sqlite, postgres")
    return args


if __name__ == "__main__":
    asyncio.run(main())
