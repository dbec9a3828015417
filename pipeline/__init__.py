"""newsflow: a stream-processing news ingestion pipeline.

The broker-free processing functions and records are importable from here;
``agents/`` wires them to Kafka topics.  Imports are lazy so that light commands
(``newsflow tail``) do not load the extraction libraries.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "strip_boilerplate": "pipeline.stripping",
    "find_attributions": "pipeline.attribution",
    "extract": "pipeline.processing",
    "clean_document": "pipeline.processing",
    "enrich": "pipeline.processing",
    "RawDocument": "pipeline.records",
    "CleanArticle": "pipeline.records",
    "EnrichedArticle": "pipeline.records",
    "Attribution": "pipeline.records",
    "Removal": "pipeline.records",
    "DeadLetter": "pipeline.records",
    "Config": "pipeline.config",
    "open_sink": "pipeline.sinks",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
