"""No collapse on any benchmark page we have: our body is never under a third of trafilatura's
output on a page where trafilatura's output agrees with the ground truth (the failure that cost
most on held-back pages: a whole article reduced to "Skip to content").

The pages are evaluation-only and live outside the repository (``../shared/bench/boilerplate``
or ``$NEWSFLOW_BENCH_DIR/boilerplate``); without them this test skips.  It runs trafilatura and
our stripper on all 1,493 pages (a few minutes)."""

from __future__ import annotations

import pytest

from bench.boilerplate import SETS, collapses, default_data_dir, extractors, load_evaluate, load_pages, run_pages

DATA = default_data_dir()

pytestmark = pytest.mark.skipif(
    not (DATA / "evaluate.py").is_file(),
    reason=f"boilerplate bench data not found in {DATA} (set NEWSFLOW_BENCH_DIR to the shared bench folder)",
)


@pytest.mark.parametrize("bench", SETS)
def test_no_page_collapses(bench):
    ev = load_evaluate(DATA)
    fns = {name: fn for name, fn in extractors(ev).items() if name in ("trafilatura", "newsflow")}
    items = load_pages(ev, bench)
    run = run_pages(items, fns)
    assert collapses(ev, bench, items, run.outputs["newsflow"], run.outputs["trafilatura"]) == []
