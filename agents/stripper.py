"""Boilerplate stripper agent: news.raw -> news.clean (pure stage: newsflow.processing.clean_document).

The stripping runs in a killable child process with the per-message time budget
(``newsflow.stream.stage_runner``); the site's learnt state goes in with each page and
the update comes back (``clean_with_site_state``), so the child holds nothing to lose.

Lines a site repeats in most of its articles are learnt per site (``SiteBoilerplateMemory``).
news.raw is keyed by site, so one stripper instance sees all of a site's pages, and the
per-site state lives in a Faust table (changelog-backed, co-partitioned with news.raw):
a restarted or re-balanced worker picks up where the previous owner left off.
"""

from __future__ import annotations

import logging
import time

import orjson

from newsflow.delivery import stage_budget
from newsflow.processing import clean_with_site_state
from newsflow.records import RawDocument
from newsflow.stream.context import AgentContext
from newsflow.stripping import SiteBoilerplateMemory
from newsflow.topics import CLEAN, RAW
from newsflow.urls import site_key

log = logging.getLogger(__name__)
STAGE = clean_with_site_state  # what the child runs (a test may point it at a pathological stage)
SNAPSHOT_EVERY = 30.0  # seconds between table writes for one site: bounds changelog traffic


class SiteMemoryTable:
    """The in-memory learner, loaded from and saved to a Faust table per site."""

    def __init__(self, table, runner, memory: SiteBoilerplateMemory | None = None) -> None:
        self.table = table
        self.runner = runner
        self.memory = memory if memory is not None else SiteBoilerplateMemory()
        self.saved_at: dict[str, float] = {}

    def load(self, site: str) -> None:
        """Before the first article of a site in this process: restore what the table knows."""
        if site not in self.memory:
            saved = self.table.get(site.encode())
            if saved:
                self.memory.load_site(site, orjson.loads(saved))

    def save(self, site: str) -> None:
        """After an article: write the site's state, at most every SNAPSHOT_EVERY seconds."""
        now = time.monotonic()
        if now - self.saved_at.get(site, -SNAPSHOT_EVERY) >= SNAPSHOT_EVERY:
            state = self.memory.site_to_dict(site)
            if state is not None:
                self.table[site.encode()] = orjson.dumps(state)
                self.saved_at[site] = now

    async def clean(self, raw: RawDocument):
        """Table reads and writes stay on the event loop; the stripping runs in the child."""
        site = site_key(raw.url)  # the same key news.raw is partitioned by
        if site is not None:
            self.load(site)
        state = self.memory.site_to_dict(site) if site is not None else None
        article, learnt = await self.runner.call(raw, site, state, self.memory.config(),
                                                 timeout=stage_budget(self.runner.timeout, len(raw.body)))
        if site is not None and learnt is not None:
            self.memory.load_site(site, learnt)
            self.save(site)
            self.forget_evicted()
        return article

    def forget_evicted(self) -> None:
        """Delete the sites the learner's LRU dropped, so the table stays as bounded as the learner."""
        for site in self.memory.drain_evicted():
            self.table.pop(site.encode(), None)
            self.saved_at.pop(site, None)


WARM_UP_PAGE = "<html><body><article><h1>Warm-up</h1><p>The stripper loads its models now.</p></article></body></html>"


def register(ctx: AgentContext) -> None:
    runner = ctx.runner("stripper", STAGE)

    @ctx.app.task
    async def warm_up() -> None:
        """Start the child and compile the HTML path while the worker joins its group."""
        try:
            await runner.call(RawDocument(id="warm-up", body=WARM_UP_PAGE, content_type="text/html"), None, None, {})
        except Exception:  # noqa: BLE001 - a warm-up is an optimisation; the first page will tell
            log.exception("stripper warm-up failed")

    # Raw bytes, the app's serializers.  use_partitioner: a write or delete goes to the partition
    # of its key (the site, as news.raw is keyed), not of the event at hand: an evicted site
    # usually lives on another partition.
    table = ctx.app.Table("site-boilerplate", partitions=ctx.config.partitions, use_partitioner=True,
                          key_type=bytes, value_type=bytes)
    sites = SiteMemoryTable(table, runner)

    @ctx.agent(RAW, name="stripper")
    async def stripper(stream):
        async for event in stream.events():
            await ctx.handle(event, stage="stripper", source=RAW, process=sites.clean, target=CLEAN)
