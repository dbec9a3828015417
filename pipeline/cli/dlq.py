"""Inspect dead letters (list) or re-publish them to the topic they came from (replay), after a fix.

replay consumes news.dlq in its own consumer group (one per --stage filter), so each
dead letter is re-published once; letters from replayed files (not from a topic) are
listed, not re-sent; letters that fail again during a replay wait for the next one.
"""

from __future__ import annotations

import asyncio
import sys

import orjson

from newsflow.cli import BROKER_OPTIONS
from newsflow.clock import now_iso
from newsflow.deadletter import original_bytes
from newsflow.stream.kafka import producer, read_topic, resolve_bootstrap
from newsflow.topics import REPLAYABLE, TopicNames

REPLAY_GROUP = "newsflow-dlq-replay"
OPTIONS = BROKER_OPTIONS

def add_arguments(parser) -> None:
    parser.add_argument("action", choices=["list", "replay"])
    parser.add_argument("--stage", help="only dead letters from this stage (stripper, attributor, sink:..., replay)")


def run(args, config) -> int:
    names = TopicNames(config.topic_prefix)
    bootstrap = resolve_bootstrap(config)
    action = list_letters if args.action == "list" else replay_letters
    return asyncio.run(action(bootstrap, names, args.stage))


async def letters(bootstrap: str, names: TopicNames, stage: str | None, group: str | None = None):
    async for message in read_topic(bootstrap, names.dlq, follow=False, group=group):
        letter = orjson.loads(message.value)
        if stage is None or letter.get("stage") == stage:
            yield message, letter


async def list_letters(bootstrap: str, names: TopicNames, stage: str | None) -> int:
    count = 0
    async for message, letter in letters(bootstrap, names, stage):
        why = f" [{letter['reason']}]" if letter.get("reason") else ""
        cut = f" (truncated; whole payload in {letter.get('payload_file')})" if letter.get("payload_truncated") else ""
        print(f"#{message.offset} {letter['failed_at']} {letter['stage']} from {letter['topic']}{why}: "
              f"{letter['error_type']}: {letter['error']}{cut}")
        count += 1
    print(f"{count} dead letter(s)", file=sys.stderr)
    return 0


async def replay_letters(bootstrap: str, names: TopicNames, stage: str | None) -> int:
    client = producer(bootstrap)
    await client.start()
    started, sent, skipped, lost = now_iso(), 0, 0, 0
    try:
        group = f"{REPLAY_GROUP}-{stage}" if stage else REPLAY_GROUP  # a filter must not consume others
        async for _, letter in letters(bootstrap, names, stage, group=group):
            if (letter.get("failed_at") or "") >= started:
                break  # failed again after we began (maybe our own re-send): left for the next replay
            topic = letter["topic"]
            if names.base_of(topic) not in REPLAYABLE:
                skipped += 1
                continue
            payload = original_bytes(letter)
            if payload is None:  # truncated, and its side file is gone
                print(f"#{letter.get('offset')}: payload truncated and {letter.get('payload_file')} missing; skipped",
                      file=sys.stderr)
                lost += 1
                continue
            key = letter["key"].encode() if letter.get("key") else None
            await client.send_and_wait(topic, value=payload, key=key)
            sent += 1
    finally:
        await client.stop()
    print(f"re-published {sent} dead letter(s); {skipped} not from a pipeline topic (see dlq list)"
          + (f"; {lost} whose truncated payload is no longer on disk" if lost else ""), file=sys.stderr)
    return 0
