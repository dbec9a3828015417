"""Faust's aiokafka transport with two changes: the fetch wait, and no delivery during a seek.

Faust hard-codes ``fetch_max_wait_ms=1500``.  When one fetch covers partitions of
several topics, a broker may hold it that long even after data arrived on one of
them (tansu does), so an article waited ~1.5 s at every hop.  A short wait trades a
few more idle fetch requests for sub-second end-to-end latency.

After a rebalance with table recovery, Faust (0.15) resumes the stream partitions and
seeks them to their committed offsets while messages still flow, then resumes flow
control, which empties the agents' queues.  What the fetcher delivered during the seek
is dropped with the queues; the next message then arrives past the consumer's read
offset, Faust's gap handling counts the skipped offsets as done, and they are
committed unprocessed: a survivor lost a killed worker's documents that way.  Holding
the flow for the duration of the seek leaves nothing in flight to drop.
"""

from __future__ import annotations

import logging

import aiokafka
from faust.transport import drivers
from faust.transport.drivers import aiokafka as faust_aiokafka

log = logging.getLogger(__name__)
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

    async def perform_seek(self) -> None:
        """Seek to the committed offsets with the flow stopped (see the module's docstring).

        The callers resume flow control right after this returns, without awaiting in
        between, so nothing is fetched between the end of the seek and the queues' clearing."""
        if not self.flow_active:  # getmany's own seek while the flow is stopped
            await super().perform_seek()
            return
        self.stop_flow()
        try:
            await super().perform_seek()
        finally:
            self.resume_flow()

    async def _add_gap(self, tp, offset_from: int, offset_to: int) -> None:
        """Faust's gap handling, said out loud: on a compacted topic a jump in offsets is
        normal, on the news topics it means messages that no stream ever saw."""
        if offset_from < offset_to:
            log.warning("%s[%d]: offsets %d-%d never reached a stream; Faust counts them as processed",
                        tp.topic, tp.partition, offset_from, offset_to - 1)
        await super()._add_gap(tp, offset_from, offset_to)


class Transport(faust_aiokafka.Transport):
    Consumer = Consumer


drivers.TRANSPORTS.aliases.setdefault(SCHEME, f"{__name__}:Transport")
