"""Versions that change whenever the code behind them does.

A stage's version is a hand-kept base (bumped for a deliberate change of behaviour)
plus a content hash of its package's files, read through ``importlib.resources``
so it is the same from a checkout, an editable install or a wheel:
``rules-1+3f2a9c1d``.  Any edit of a rule, lexicon or module changes the hash,
so a consumer can re-enrich by version and know that something changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from importlib import resources
from importlib.resources.abc import Traversable

HASH_DIGITS = 8
# What a wheel ships of a stage's package: its modules and any rule or lexicon data files
# (so an editable install and a wheel agree; editor backups and caches do not count).
HASHED_SUFFIXES = (".py", ".txt", ".json", ".toml", ".tsv")


def content_version(base: str, sources: Iterable[tuple[str, bytes]]) -> str:
    """``base+<8 hex>``: a SHA-256 over the (name, bytes) pairs, independent of their order."""
    digest = hashlib.sha256()
    for name, data in sorted(sources):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return f"{base}+{digest.hexdigest()[:HASH_DIGITS]}"


def package_version(base: str, package: str) -> str:
    """The content version of ``package``'s modules and data files, subpackages included."""
    return content_version(base, _files(resources.files(package), ""))


def _files(folder: Traversable, prefix: str) -> Iterator[tuple[str, bytes]]:
    for entry in folder.iterdir():
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _files(entry, name + "/")
        elif entry.name.endswith(HASHED_SUFFIXES):
            yield name, entry.read_bytes()
