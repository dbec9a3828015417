"""Print a topic's messages as JSON lines (from the beginning), for downstream users.

TOPIC is a base name (news.enriched) or a full topic name.
"""

from __future__ import annotations

import asyncio
import sys

from newsflow.cli import BROKER_OPTIONS, positive_int
from newsflow.stream.kafka import read_topic, resolve_bootstrap
from newsflow.topics import ALL_TOPICS, TopicNames

OPTIONS = BROKER_OPTIONS

def add_arguments(parser) -> None:
    parser.add_argument("topic", metavar="TOPIC")
    parser.add_argument("--follow", "-f", action="store_true", help="keep waiting for new messages")
    parser.add_argument("--max", type=positive_int, default=None, help="stop after this many messages")
    parser.add_argument("--group", help="consume in this consumer group (commits offsets)")


def run(args, config) -> int:
    names = TopicNames(config.topic_prefix)
    topic = names.name(args.topic) if args.topic in ALL_TOPICS else args.topic
    return asyncio.run(tail(resolve_bootstrap(config), topic, args))


async def tail(bootstrap: str, topic: str, args) -> int:
    count = 0
    async for message in read_topic(bootstrap, topic, follow=args.follow, group=args.group):
        sys.stdout.buffer.write((message.value or b"null") + b"\n")
        sys.stdout.flush()
        count += 1
        if args.max is not None and count >= args.max:
            break
    return 0
