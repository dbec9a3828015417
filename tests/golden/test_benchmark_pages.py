"""No collapse on any benchmark page we have: our body is never under a third of trafilatura's
output on a page where trafilatura's output agrees with the ground truth (the failure that cost
most on held-back pages: a whole article reduced to "Skip to content").

The pages are evaluation-only and live outside the repository (``../shared/bench/boilerplate``
or ``$NEWSFLOW_BENCH_DIR/boilerplate``); without them this test skips.  It runs trafilatura and
our stripper on all 1,493 pages, split over the machine's cores (a few minutes on two)."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import pytest

from bench.boilerplate import SETS, collapses, default_data_dir, extractors, load_evaluate, load_pages, run_pages

DATA = default_data_dir()
COMPARED = ("trafilatura", "newsflow")

pytestmark = pytest.mark.skipif(
    not (DATA / "evaluate.py").is_file(),
    reason=f"boilerplate bench data not found in {DATA} (set NEWSFLOW_BENCH_DIR to the shared bench folder)",
)


def outputs_of_shard(bench: str, shard: int, shards: int) -> dict[str, list[str]]:
    """Both extractors' outputs on every ``shards``-th page of a set, starting at ``shard``."""
    ev = load_evaluate(DATA)
    fns = {name: fn for name, fn in extractors(ev).items() if name in COMPARED}
    return run_pages(load_pages(ev, bench)[shard::shards], fns).outputs


@pytest.mark.parametrize("bench", SETS)
def test_no_page_collapses(bench):
    ev = load_evaluate(DATA)
    items = load_pages(ev, bench)
    shards = max(1, min(4, os.cpu_count() or 1))
    with ProcessPoolExecutor(shards, mp_context=multiprocessing.get_context("fork")) as pool:
        parts = list(pool.map(outputs_of_shard, [bench] * shards, range(shards), [shards] * shards))
    outputs = {name: [""] * len(items) for name in COMPARED}
    for shard, part in enumerate(parts):
        for name in COMPARED:
            outputs[name][shard::shards] = part[name]
    assert collapses(ev, bench, items, outputs["newsflow"], outputs["trafilatura"]) == []
