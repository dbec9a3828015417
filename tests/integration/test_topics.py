"""Topic configs on the real embedded broker (tansu keeps and describes topic configs):
the feed-state topic is created compacted, one made without it is named, and Faust's
table changelogs are compacted too."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

from newsflow.stream.kafka import ensure_topics, topic_config
from newsflow.topics import ALL_TOPICS, FEED_STATE, RAW, TopicNames
from tests.conftest import run_cli

pytestmark = pytest.mark.integration


def configs(bootstrap: str, topics: list[str] | None = None, prefix: str = "") -> dict[str, dict[str, str]]:
    """``topic -> configs`` as the broker describes them (``topics``, or all starting with ``prefix``)."""
    async def go():
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            names = topics or [t for t in await admin.list_topics() if t.startswith(prefix)]
            return await topic_config(admin, names)
        finally:
            await admin.close()
    return asyncio.run(go())


def test_the_state_topic_is_created_compacted(broker):
    names = TopicNames(f"cfg{uuid.uuid4().hex[:6]}.")
    asyncio.run(ensure_topics(broker.bootstrap, names, 2))
    found = configs(broker.bootstrap, [names.name(b) for b in ALL_TOPICS])
    assert found[names.name(FEED_STATE)] == {"cleanup.policy": "compact"}
    assert found[names.name(RAW)].get("cleanup.policy", "delete") == "delete"
    asyncio.run(ensure_topics(broker.bootstrap, names, 2))  # a second start changes nothing
    assert configs(broker.bootstrap, [names.name(FEED_STATE)]) == {names.name(FEED_STATE): {"cleanup.policy": "compact"}}


def test_a_state_topic_made_without_compaction_is_named(broker, unique_article):
    prefix = f"old{uuid.uuid4().hex[:6]}."
    state = prefix + FEED_STATE

    async def make_old():  # as a newsflow before compaction created it
        admin = AIOKafkaAdminClient(bootstrap_servers=broker.bootstrap)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(state, 1, 1)])
        finally:
            await admin.close()
    asyncio.run(make_old())
    path, _, _ = unique_article()
    result = run_cli("replay", "--broker", broker.bootstrap, "--topic-prefix", prefix, "--partitions", "1", str(path))
    assert result.returncode == 0, result.stderr
    assert f"topic {state} is not compacted" in result.stderr
    assert "--add-config cleanup.policy=compact" in result.stderr
