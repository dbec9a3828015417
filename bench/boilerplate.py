"""Score our boilerplate stripper against trafilatura on the shared benchmark, in one run.

    python -m bench.boilerplate [--data DIR] [--limit N]

Runs the benchmark's own ``evaluate.py`` (its metrics, its timing) with trafilatura's
defaults and ``newsflow.stripping:html_to_text`` side by side, then prints one table:
F1, P, R, pages/s and the share of "without" snippets left in, plus the issue-4 bars.

The benchmark lives outside the repository (evaluation-only data): ``../shared/bench/``
next to the repo root, or the ``bench`` folder named by ``NEWSFLOW_BENCH_DIR``.  When it
is absent the command says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SETS = ("trafilatura_eval", "wcxb_articles")
OURS, THEIRS = "newsflow", "trafilatura"
# issue 4: F1 floors per set, max share of "without" snippets left in, min speed relative to trafilatura
F1_BARS = {"trafilatura_eval": 0.945, "wcxb_articles": 0.950}
WITHOUT_BAR, SPEED_BAR = 0.02, 0.8


def bench_root() -> Path:
    """The shared ``bench`` folder: $NEWSFLOW_BENCH_DIR, else ../shared/bench next to the repo."""
    env = os.environ.get("NEWSFLOW_BENCH_DIR")
    return Path(env) if env else REPO.parent / "shared" / "bench"


def evaluate(data: Path, limit: int | None) -> dict:
    """Run evaluate.py once for both extractors on both sets; return its JSON results."""
    script = data / "evaluate.py"
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.json"
        cmd = [sys.executable, str(script), "--data", str(data), "-b", *SETS, "-e", THEIRS,
               "--func", "newsflow.stripping:html_to_text", "--name", OURS, "--n-bootstrap", "0", "--json", str(out)]
        if limit:
            cmd += ["--limit", str(limit)]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        subprocess.run(cmd, cwd=script.parent, env=env, check=True, stdout=sys.stderr)
        return json.loads(out.read_text())


def table(results: dict) -> list[str]:
    """Rows: set, extractor, F1, P, R, pages/s, without-left-in (wcxb only)."""
    rows = [f"{'set':<17} {'extractor':<12} {'F1':>6} {'P':>6} {'R':>6} {'pages/s':>8} {'without':>8}"]
    for bench, by_name in results.items():
        for name in (THEIRS, OURS):
            m = by_name.get(name)
            if m:
                without = f"{m['without_rate']:.1%}" if "without_rate" in m else "-"
                rows.append(f"{bench:<17} {name:<12} {m['f1']:6.3f} {m['precision']:6.3f} {m['recall']:6.3f} "
                            f"{m['pages_per_s']:8.1f} {without:>8}")
    return rows


def bars(results: dict) -> list[str]:
    """Pass/fail lines for the issue-4 targets."""
    lines = []
    for bench, by_name in results.items():
        ours, theirs = by_name.get(OURS), by_name.get(THEIRS)
        if not (ours and theirs):
            continue
        speed = ours["pages_per_s"] / theirs["pages_per_s"] if theirs["pages_per_s"] else 0.0
        checks = [("F1", ours["f1"] >= F1_BARS.get(bench, 0), f"{ours['f1']:.3f} >= {F1_BARS.get(bench, 0):.3f}"),
                  ("speed", speed >= SPEED_BAR, f"{speed:.2f}x >= {SPEED_BAR}x trafilatura")]
        if "without_rate" in ours:
            checks.append(("without", ours["without_rate"] < WITHOUT_BAR, f"{ours['without_rate']:.1%} < {WITHOUT_BAR:.0%}"))
        lines += [f"{bench:<17} {label:<8} {'PASS' if ok else 'FAIL'}  {detail}" for label, ok, detail in checks]
    return lines


def run(data: Path, limit: int | None) -> int:
    """Evaluate and print; 0 when the benchmark is missing (nothing to measure is not a failure)."""
    if not (data / "evaluate.py").exists():
        print(f"boilerplate benchmark not found at {data} (set NEWSFLOW_BENCH_DIR); skipping.")
        return 0
    results = evaluate(data, limit)
    print("\n".join(table(results) + [""] + bars(results)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.boilerplate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None,
                        help="folder holding evaluate.py and the benchmark sets (default: <bench>/boilerplate)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N pages of each set")
    args = parser.parse_args(argv)
    return run(args.data or bench_root() / "boilerplate", args.limit)


if __name__ == "__main__":
    sys.exit(main())
