"""Faust's aiokafka transport with one setting Faust does not expose: the fetch wait.

Faust hard-codes ``fetch_max_wait_ms=1500``.  When one fetch covers partitions of
several topics, a broker may hold it that long even after data arrived on one of
them (tansu does), so an article waited ~1.5 s at every hop.  A short wait trades a
few more idle fetch requests for sub-second end-to-end latency.
"""

from __future__ import annotations

import aiokafka
from faust.transport import drivers
from faust.transport.drivers import aiokafka as faust_aiokafka

SCHEME = "newsflow"  # broker URLs "newsflow://host:port" select this transport
FETCH_MAX_WAIT_MS = 100


class ConsumerThread(faust_aiokafka.AIOKafkaConsumerThread):
    def _create_worker_consumer(self, transport) -> aiokafka.AIOKafkaConsumer:
        consumer = super()._create_worker_consumer(transport)
        consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS  # read by the fetcher aiokafka builds on start()
        return consumer


class Consumer(faust_aiokafka.Consumer):
    def _new_consumer_thread(self) -> ConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(faust_aiokafka.Transport):
    Consumer = Consumer


drivers.TRANSPORTS.aliases.setdefault(SCHEME, f"{__name__}:Transport")
