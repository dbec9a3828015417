"""Benchmark the attribution extractor on the PolNeAR evaluation files.

Usage: ``python -m bench.attribution [--split both|dev|train] [--data DIR]``

Runs :func:`newsflow.attribution.find_attributions` on every article of the
whole train split (838 articles, the main development set) and of dev (84,
the check), scores both with the shared scorer and prints, per view, train,
dev and their difference, so a rule that helps one split and hurts the other
shows.  Train is in-sample for the learned filter; ``train-oof`` (``--folds``,
default 5, 0 to skip) scores each fifth of train with a filter trained on the
other four (article index modulo the folds; the cue lexicon and the boundary
model stay as committed, trained on all of train), the nearer proxy for
articles the filter has not seen.  Then the speaker-resolution score (see :mod:`bench.attribution_speakers`)
and the speed over dev: CPU time inside ``find_attributions`` only (one core,
not counting other processes on the machine), articles/s and p50/p99 per
article.  The data is evaluation-only and lives outside the repository; when
it is absent the command says so and exits 0.
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

from bench.attribution_speakers import resolution_score
from newsflow.attribution import ATTRIBUTOR_VERSION, find_attributions, model

SPLITS = {"dev": "polnear_dev.jsonl", "train": "polnear_train.jsonl"}
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


def train_split_args(description: str, out: Path, argv: list[str] | None) -> tuple[argparse.Namespace, Path | None]:
    """A training script's ``--data``/``--out`` arguments and the train split's path (None, said, when absent)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=out)
    args = ap.parse_args(argv)
    gold = (args.data or default_data_dir()) / SPLITS["train"]
    if not gold.is_file():
        print(f"train split not found: {gold}")
        return args, None
    return args, gold


def load(gold_path: Path) -> list[dict]:
    with gold_path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def predict(docs: list[dict]) -> tuple[list[dict], list[float]]:
    """Predictions for every article, and the CPU seconds each one took."""
    preds, times = [], []
    for doc in docs:
        t0 = time.process_time()
        atts = find_attributions(doc["text"])
        times.append(time.process_time() - t0)
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


def fold_indices(n: int, folds: int) -> list[list[int]]:
    """Article indices of each fold: index modulo ``folds`` (disjoint, covering, deterministic)."""
    return [list(range(k, n, folds)) for k in range(folds)]


def out_of_fold_predictions(docs: list[dict], folds: int) -> list[dict]:
    """Each fold's articles predicted with a filter trained on the other folds only."""
    from bench.train_attribution import train_filter

    preds: list[dict | None] = [None] * len(docs)
    for held in fold_indices(len(docs), folds):
        held_set = set(held)
        trained, _ = train_filter([d for i, d in enumerate(docs) if i not in held_set])
        with model.trial(trained):
            fold_preds, _ = predict([docs[i] for i in held])
        for i, pred in zip(held, fold_preds):
            preds[i] = pred
    return [p for p in preds if p is not None]


def evaluate(data_dir: Path, split: str, folds: int = 0) -> dict:
    """Scores of every view, the speaker-resolution tally and the per-article times of one split
    (``folds``: predicted out of fold instead, see the module's docstring; no times then)."""
    gold = data_dir / SPLITS[split]
    docs = load(gold)
    if folds:
        preds, times = out_of_fold_predictions(docs, folds), []
    else:
        preds, times = predict(docs)
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for p in preds:
            fh.write(json.dumps(p) + "\n")
        pred_path = Path(fh.name)
    try:
        views = {name: score(data_dir, gold, pred_path, extra) for name, extra in VIEWS}
    finally:
        pred_path.unlink()
    speakers = resolution_score(docs, {p["id"]: p["attributions"] for p in preds})
    return {"views": views, "speakers": speakers, "times": times}


def _figures(res: dict) -> tuple[float, float, float, float]:
    c = res["content"]["overlap"]
    return c["p"], c["r"], c["f"], res["source|content"]["lenient"]["f"]


def report(results: dict[str, dict]) -> str:
    """The tables printed by :func:`run`: per view, each split, then dev - train."""
    splits = list(results)
    lines = [f"attribution bench, {ATTRIBUTOR_VERSION}, PolNeAR " + " and ".join(splits), "",
             f"{'view':18s} {'split':11s} {'gold':>6s} {'pred':>6s} {'P':>6s} {'R':>6s} {'F1':>6s} {'src lenient F1':>15s}"]
    for view, _ in VIEWS:
        for split in splits:
            res = results[split]["views"][view]
            p, r, f, s = _figures(res)
            lines.append(f"{view:18s} {split:11s} {res['n_gold']:6d} {res['n_pred']:6d} {p:6.3f} {r:6.3f} {f:6.3f} {s:15.3f}")
        for base in ("train", "train-oof"):
            if {base, "dev"} <= set(splits):
                a, b = (_figures(results[s]["views"][view]) for s in (base, "dev"))
                lines.append(f"{view:18s} {'dev-' + base.replace('train-', ''):11s} {'':6s} {'':6s} " + " ".join(
                    f"{y - x:+6.3f}" for x, y in zip(a[:3], b[:3])) + f" {b[3] - a[3]:+15.3f}")
    lines += ["", "speaker resolution (resolved speaker holds the surname of the gold source's nearest full mention):"]
    for split in splits:
        for key, (ok, n) in results[split]["speakers"].items():
            lines.append(f"  {split:9s} {key:24s} {ok:5d} / {n:5d} = {ok / n if n else 0:.3f}")
    speed_split = "dev" if "dev" in results else splits[0]
    times = results[speed_split]["times"]
    lines += ["", f"speed ({speed_split}, CPU time, one core): {len(times)} articles   "
              f"articles/s: {len(times) / sum(times):,.0f}   p50: {percentile(times, .5) * 1000:.2f} ms   "
              f"p99: {percentile(times, .99) * 1000:.2f} ms"]
    return "\n".join(lines)


def run(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark the attribution extractor on PolNeAR.")
    ap.add_argument("--split", choices=["both", *sorted(SPLITS)], default="both")
    ap.add_argument("--data", type=Path, default=None, help="folder holding score.py and the JSONL files")
    ap.add_argument("--folds", type=int, default=5, help="out-of-fold train figures with this many folds (0: skip)")
    args = ap.parse_args(argv)
    data_dir = args.data or default_data_dir()
    splits = ["train", "dev"] if args.split == "both" else [args.split]
    if not all((data_dir / SPLITS[s]).is_file() for s in splits) or not (data_dir / "score.py").is_file():
        print(f"skip: attribution bench data not found in {data_dir} (set NEWSFLOW_BENCH_DIR)")
        return 0
    results = {split: evaluate(data_dir, split) for split in splits}
    if "train" in splits and args.folds > 1:
        results["train-oof"] = evaluate(data_dir, "train", args.folds)
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(run())
