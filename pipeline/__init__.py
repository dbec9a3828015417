"""newsflow: a stream-processing news ingestion pipeline.

The broker-free processing functions and records are importable from here;
``agents/`` wires them to Kafka topics.  Imports are lazy so that light commands
(``newsflow tail``) do not load the extraction libraries.
"""

from __future__ import annotations

import importlib
import importlib.metadata

try:
    __version__ = importlib.metadata.version("newsflow")
except importlib.metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"

_EXPORTS = {
    "strip_boilerplate": "newsflow.stripping",
    "find_attributions": "newsflow.attribution",
    "extract": "newsflow.processing",
    "clean_document": "newsflow.processing",
    "enrich": "newsflow.processing",
    "RawDocument": "newsflow.records",
    "CleanArticle": "newsflow.records",
    "EnrichedArticle": "newsflow.records",
    "Attribution": "newsflow.records",
    "Removal": "newsflow.records",
    "DeadLetter": "newsflow.records",
    "Config": "newsflow.config",
    "open_sink": "newsflow.sinks",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'newsflow' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
