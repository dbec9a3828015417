"""newsflow: a stream-processing news ingestion pipeline.

The broker-free processing functions live here; agents/ wires them to Kafka topics.
"""
