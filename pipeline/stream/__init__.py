"""The stream layer: the Faust app, the worker, Kafka helpers, the transport and the embedded broker.

Everything here may import Faust or aiokafka; nothing in the core (the rest of
``newsflow``) imports from here.
"""
