"""Benchmark the attribution extractor on the PolNeAR evaluation files.

Usage: ``python -m bench.attribution [--split dev|train] [--data DIR]``

Runs :func:`newsflow.attribution.find_attributions` on every article, writes
the predictions to a temporary JSONL file, runs the shared scorer for the
headline views and prints them with throughput (time inside
``find_attributions`` only, one core) and per-article latency.  The data is
evaluation-only and lives outside the repository; when it is absent the
command says so and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsflow.attribution import ATTRIBUTOR_VERSION, find_attributions

SPLITS = {"dev": "polnear_dev.jsonl", "train": "polnear_train_sample.jsonl"}
VIEWS = (
    ("all gold", []),
    ("speech_cue=true", ["--only", "speech_cue=true"]),
    ("direct, fragment", ["--only", "kind=direct", "--unit", "fragment"]),
)


def default_data_dir() -> Path:
    """``$NEWSFLOW_BENCH_DIR/attribution``, else ``../shared/bench/attribution`` from the repo root."""
    env = os.environ.get("NEWSFLOW_BENCH_DIR")
    if env:
        return Path(env) / "attribution"
    return Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "attribution"


def predict(gold_path: Path) -> tuple[list[dict], list[float]]:
    """Predictions for every article, and the seconds each one took."""
    preds, times = [], []
    with gold_path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            doc = json.loads(line)
            t0 = time.perf_counter()
            atts = find_attributions(doc["text"])
            times.append(time.perf_counter() - t0)
            preds.append({"id": doc["id"], "attributions": [a.to_dict() for a in atts]})
    return preds, times


def score(data_dir: Path, gold: Path, pred: Path, args: list[str]) -> dict:
    """Run the shared scorer and return its JSON metrics."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as out:
        out_path = out.name
    try:
        subprocess.run([sys.executable, str(data_dir / "score.py"), str(gold), str(pred), *args,
                        "--json", out_path], check=True, stdout=subprocess.DEVNULL)
        with open(out_path, encoding="utf-8") as fh:
            return json.load(fh)
    finally:
        os.unlink(out_path)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def report(split: str, results: list[tuple[str, dict]], times: list[float]) -> str:
    """The table printed by :func:`run`."""
    lines = [f"attribution bench, split={split}, {ATTRIBUTOR_VERSION}", "",
             f"{'view':20s} {'gold':>6s} {'pred':>6s} {'P':>6s} {'R':>6s} {'F1':>6s}  {'src lenient F1':>14s}"]
    for name, res in results:
        c = res["content"]["overlap"]
        src = res["source|content"]["lenient"]["f"]
        lines.append(f"{name:20s} {res['n_gold']:6d} {res['n_pred']:6d} {c['p']:6.3f} {c['r']:6.3f} "
                     f"{c['f']:6.3f}  {src:14.3f}")
    total = sum(times)
    lines += ["", f"articles: {len(times)}   articles/s: {len(times) / total:,.0f}   "
              f"p50: {percentile(times, .5) * 1000:.2f} ms   p99: {percentile(times, .99) * 1000:.2f} ms"]
    return "\n".join(lines)


def run(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the attribution extractor on PolNeAR.")
    ap.add_argument("--split", choices=sorted(SPLITS), default="dev")
    ap.add_argument("--data", type=Path, default=None, help="folder holding score.py and the JSONL files")
    args = ap.parse_args(argv)
    data_dir = args.data or default_data_dir()
    gold = data_dir / SPLITS[args.split]
    if not gold.is_file() or not (data_dir / "score.py").is_file():
        print(f"skip: attribution bench data not found in {data_dir} (set NEWSFLOW_BENCH_DIR)")
        return 0
    preds, times = predict(gold)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for p in preds:
            fh.write(json.dumps(p) + "\n")
        pred_path = Path(fh.name)
    try:
        results = [(name, score(data_dir, gold, pred_path, extra)) for name, extra in VIEWS]
    finally:
        pred_path.unlink()
    print(report(args.split, results, times))
    return 0


if __name__ == "__main__":
    sys.exit(run())
