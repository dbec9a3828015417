"""Watching it work, end to end: a real worker with --web-port (embedded broker), the seed replayed,
the dashboard opened in headless Chromium, `newsflow status`, and the end-of-run summary.

The browser is Debian's /usr/bin/chromium driven through /usr/bin/chromedriver (packages
chromium and chromium-driver; .ci/run installs them): nothing is downloaded at run time.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import orjson
import pytest

from tests.conftest import SEEDS, doc_id, run_cli, wait_for

pytestmark = pytest.mark.integration
SEED = next(SEEDS.glob("*.txt"))
SEED_TITLE = "Senior defense official: No sign yet of Belarusian forces fighting in Ukraine"
SEED_SPEAKER = "a senior U.S. defense official"
CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


def status_of(url: str) -> dict:
    with urllib.request.urlopen(url + "api/status", timeout=10) as response:
        return orjson.loads(response.read())


@pytest.fixture(scope="module")
def dashboard_worker(tmp_path_factory):
    """`newsflow run --web-port 0` with its own embedded broker, started from an empty folder."""
    cwd = tmp_path_factory.mktemp("cwd")
    data = tmp_path_factory.mktemp("data")
    log_path = data.parent / f"{data.name}-worker.log"
    cmd = [sys.executable, "-m", "newsflow.cli", "run", "--data-dir", str(data), "--web-port", "0",
           "--log-level", "info", "--log-format", "json"]
    env = {**os.environ, "NEWSFLOW_SINK_MAX_DELAY": "0.2"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)

    def address():
        if process.poll() is not None:
            pytest.fail(f"worker exited with {process.returncode}: {log_path.read_text()[-3000:]}")
        path = data / "web.address"
        return path.exists() and (data / "broker.address").exists() and path.read_text().strip()

    url = wait_for(address, 120, what="the dashboard address file")
    yield url, data, cwd, log_path
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    assert not (data / "web.address").exists()  # removed on the way out


@pytest.fixture(scope="module")
def replayed(dashboard_worker, tmp_path_factory):
    """The seed and two quoted articles replayed, and one poison message the stripper dead-letters."""
    url, data, cwd, _ = dashboard_worker
    extra = tmp_path_factory.mktemp("replay")
    for n in range(2):
        (extra / f"council-{n}.txt").write_text(
            f"Council approves budget {uuid.uuid4().hex[:6]}\n\nThe council approved the budget on Tuesday.\n\n"
            f'"This is a good day for the city," Mayor Ana Ruiz told reporters.\n')
    result = run_cli("replay", "--data-dir", str(data), str(SEED), str(extra), cwd=cwd)
    assert result.returncode == 0, result.stderr
    asyncio.run(send_poison((data / "broker.address").read_text().strip()))
    wait_for(lambda: (s := status_of(url))["totals"]["stored"] >= 3 and s["totals"]["dead"] >= 1, 120,
             what="three articles stored and one dead letter")
    return url


async def send_poison(bootstrap: str) -> None:
    from newsflow.stream.kafka import producer

    client = producer(bootstrap)
    await client.start()
    try:
        await client.send_and_wait("news.raw", value=b"not json at all", key=b"poison")
    finally:
        await client.stop()


def test_dashboard_in_headless_chromium(replayed, dashboard_worker, tmp_path):
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("the browser test needs Debian's chromium and chromium-driver (apt-get install chromium "
                    "chromium-driver); .ci/run installs them")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage", "--window-size=1280,1500"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        driver.get(replayed)
        WebDriverWait(driver, 30).until(lambda d: SEED_TITLE in d.find_element(By.ID, "articles").text)
        articles = driver.find_element(By.ID, "articles").text
        assert SEED_SPEAKER in articles and "Ana Ruiz" in articles
        # The throughput chart has drawn: series paths with points spanning some height.
        heights = WebDriverWait(driver, 30).until(lambda d: [h for h in d.execute_script(
            "return [...document.querySelectorAll('#throughput path.series')]"
            ".filter(p => Number(p.dataset.points) > 1).map(p => p.getBBox().height)") if h > 0])
        assert heights
        assert "stored" in driver.find_element(By.ID, "legend").text
        assert "stripper" in driver.find_element(By.ID, "dead-by").text
        assert "end to end" in driver.find_element(By.ID, "latency").text
        driver.save_screenshot(str(tmp_path / "dashboard.png"))
        assert (tmp_path / "dashboard.png").stat().st_size > 10_000
        driver.find_element(By.LINK_TEXT, SEED_TITLE).click()
        WebDriverWait(driver, 30).until(lambda d: "/article/" in d.current_url)
        page = driver.find_element(By.TAG_NAME, "body").text
        assert SEED_TITLE in page and SEED_SPEAKER in page and "We have seen no indications" in page
        driver.save_screenshot(str(tmp_path / "article.png"))
    finally:
        driver.quit()


def test_status_api_metrics_and_logs(replayed, dashboard_worker):
    url, data, cwd, log_path = dashboard_worker
    status = status_of(url)
    assert status["totals"]["stripper"] >= 3 and status["latency_ms"]["end_to_end"]["count"] >= 3
    assert status["latency_ms"]["end_to_end"]["p50"] > 0
    assert set(status["lag"]) >= {"news.raw", "news.clean", "news.enriched"}
    assert [d["stage"] for d in status["dead_letters"]["by"]] == ["stripper"]
    assert status["dead_letters"]["latest"][0]["topic"] == "news.raw"
    assert doc_id(SEED) in {a["id"] for a in status["articles"]}
    metrics = urllib.request.urlopen(url + "metrics", timeout=10).read().decode()
    assert 'newsflow_messages_processed_total{stage="stripper"}' in metrics
    human = run_cli("status", "--data-dir", str(data), cwd=cwd)
    assert human.returncode == 0 and "stored" in human.stdout and SEED_TITLE in human.stdout, human.stderr
    as_json = run_cli("status", "--url", url, "--json", cwd=cwd)
    assert as_json.returncode == 0 and orjson.loads(as_json.stdout)["pid"] == status["pid"]
    lines = [orjson.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
    stripped = [r for r in lines if r["logger"] == "newsflow.article" and r["message"] == "stripped"]
    assert any(r["id"] == doc_id(SEED) and r["file"] == str(SEED) and r["ms"] >= 0 for r in stripped)
    assert not [r for r in lines if r["logger"].startswith(("faust", "aiokafka")) and r["level"] == "info"]
    assert sorted(p.name for p in cwd.iterdir()) == []  # nothing written to the current folder


def test_run_summary_describes_this_run(tmp_path):
    data, out = tmp_path / "data", tmp_path / "out.jsonl"
    twice = tmp_path / "twice"
    twice.mkdir()
    for name in ("a.txt", "b.txt"):  # the same text twice: the same id
        (twice / name).write_text(SEED.read_text())
    result = run_cli("run", "--replay", str(twice), "--exit-when-idle", "--data-dir", str(data),
                     "--sink", f"jsonl:{out}", timeout=180, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "2 document(s) given, 1 of them a duplicate id" in result.stdout
    assert f"jsonl:{out}: 1 new, 0 updated, 1 unchanged" in result.stdout or \
        f"jsonl:{out}: 1 new, 0 updated, 0 unchanged" in result.stdout, result.stdout
    assert SEED_TITLE in result.stdout
    again = run_cli("run", "--exit-when-idle", "--data-dir", str(data), "--sink", f"jsonl:{out}",
                    timeout=180, cwd=tmp_path)
    assert again.returncode == 0 and "0 document(s) given" in again.stdout, again.stderr[-3000:]
    assert SEED_TITLE not in again.stdout  # nothing old listed
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out.jsonl", "twice"]
