"""Settings and progress bookkeeping for several worker processes (no broker)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from newsflow.config import Config, ConfigError, FetchSettings, build_config, to_environment
from newsflow.progress import Progress


def test_processes_auto_is_one_per_core_and_partitions_leave_room_for_more():
    config = build_config(environ={"NEWSFLOW_PROCESSES": "auto"})
    assert config.processes == (os.cpu_count() or 1)
    assert config.partitions >= 12 > config.processes
    with pytest.raises(ConfigError):
        build_config(environ={"NEWSFLOW_PROCESSES": "0"})


def test_compression_and_table_store_are_checked():
    assert build_config(environ={}).compression == "zstd"
    assert build_config(environ={"NEWSFLOW_COMPRESSION": "none"}).compression == "none"
    for name, value in (("NEWSFLOW_COMPRESSION", "brotli"), ("NEWSFLOW_TABLE_STORE", "redis://x")):
        with pytest.raises(ConfigError):
            build_config(environ={name: value})


def test_a_child_rebuilds_the_supervisors_config_from_its_environment():
    config = Config(broker="127.0.0.1:9", sinks=("sqlite:a.db", "jsonl:b.jsonl"), partitions=6, processes=1,
                    worker_slot=3, validate_output=True, feeds=Path("feeds.txt"),
                    fetch=FetchSettings(min_host_delay=0.5, contact_url="https://example.org/bot"))
    assert build_config(environ=to_environment(config)) == config
    assert config.table_dir == Path("data/tables/worker-3")


def test_a_supervisor_tracks_the_group_from_its_childrens_reports():
    group = Progress(sink_names=("sqlite:x",))
    children = [Progress(tracking=False, report=group.apply) for _ in range(2)]
    group.expect("a")
    group.expect("b")
    children[1].link_done("https://h/1")  # the fetcher's report may overtake the poller's
    children[0].link_sent("https://h/1")
    children[0].stored_in("sqlite:x", ["a"])
    group.finish_replay()
    assert not group.idle and children[0].expected == set()  # children keep nothing themselves
    children[1].dead("b")
    assert group.idle and group.dead_ids == {"b"}
