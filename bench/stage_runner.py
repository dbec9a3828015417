"""What the killable stage process costs per message: ``python -m bench.stage_runner``.

Strips a synthetic 200 KB page in-process and through ``StageRunner`` (child process, pipe,
pickling both ways), and times a bare round trip of the same page (the child returns what it
got), so the per-message overhead can be read next to the stripping itself.  Prints medians.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time

from newsflow.processing import clean_with_site_state
from newsflow.records import RawDocument
from newsflow.stream.stage_runner import StageRunner


def page(size: int = 200_000) -> RawDocument:
    paragraph = ("<p>The council met on Tuesday to discuss the bridge, and the mayor said the repairs would "
                 "take most of the summer, according to the minutes.</p>")
    nav = "<nav>" + "".join(f"<a href='/s/{i}'>Section {i}</a>" for i in range(40)) + "</nav>"
    body = nav + "<article><h1>Bridge repairs</h1>" + paragraph * (size // len(paragraph)) + "</article>"
    return RawDocument(id="bench", body=f"<html><body>{body}</body></html>", content_type="text/html",
                       url="https://bench.example/news/bridge")


def round_trip(raw: RawDocument) -> RawDocument:
    return raw


async def timed(call, n: int) -> float:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        await call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


async def main(n: int) -> None:
    raw = page()
    args = (raw, "bench.example", None, {})
    from bench import stage_runner as importable  # the child imports the function by module name, not __main__

    strip_runner, echo_runner = StageRunner(clean_with_site_state, 60), StageRunner(importable.round_trip, 60)
    try:
        await strip_runner.call(*args)  # warm up: the child imports the stripper
        await echo_runner.call(raw)

        async def in_process():
            clean_with_site_state(*args)

        in_proc = await timed(in_process, n)
        in_child = await timed(lambda: strip_runner.call(*args), n)
        trip = await timed(lambda: echo_runner.call(raw), n)
    finally:
        strip_runner.stop()
        echo_runner.stop()
    print(f"page {len(raw.body) / 1000:.0f} KB, {n} runs each, load {os.getloadavg()[0]:.1f} (1-min average)")
    print(f"strip in-process          {in_proc:8.2f} ms (median)")
    print(f"strip in the stage child  {in_child:8.2f} ms")
    print(f"bare round trip (page both ways, pickled) {trip:6.2f} ms = {trip / in_proc:.2%} of the stripping")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30, help="runs per measurement (default 30)")
    asyncio.run(main(parser.parse_args().n))
