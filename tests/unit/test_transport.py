"""The transport's consumer: no message may be delivered while it seeks to committed offsets."""

from __future__ import annotations

import asyncio
import logging

import faust

from newsflow.config import Config
from newsflow.stream.app import faust_settings


def consumer_of_a_new_app(tmp_path):
    config = Config(data_dir=tmp_path)
    app = faust.App("transport-test", **faust_settings(config, "127.0.0.1:1"))
    return app.consumer  # built, not started: nothing connects


def test_the_flow_is_held_for_the_whole_seek_and_restored_after(tmp_path):
    consumer = consumer_of_a_new_app(tmp_path)
    seen: list[bool] = []

    async def seek_to_committed():
        seen.append(consumer.flow_active)
        await asyncio.sleep(0)  # the fetcher's turn: it must find the flow stopped
        seen.append(consumer.flow_active)
        return {}

    consumer.seek_to_committed = seek_to_committed
    consumer.resume_flow()
    asyncio.run(consumer.perform_seek())
    assert seen == [False, False] and consumer.flow_active


def test_a_seek_while_the_flow_is_stopped_leaves_it_stopped(tmp_path):
    consumer = consumer_of_a_new_app(tmp_path)

    async def seek_to_committed():
        return {}

    consumer.seek_to_committed = seek_to_committed
    consumer.stop_flow()
    asyncio.run(consumer.perform_seek())
    assert not consumer.flow_active


def test_a_gap_in_offsets_is_logged_with_the_offsets_no_stream_saw(tmp_path, caplog):
    from faust.types import TP

    consumer = consumer_of_a_new_app(tmp_path)
    with caplog.at_level(logging.WARNING, logger="newsflow.stream.transport"):
        asyncio.run(consumer._add_gap(TP("news.raw", 3), 8, 12))
    assert "news.raw[3]: offsets 8-11 never reached a stream" in caplog.text
