"""Stage functions for tests of the killable stage runner (module level, so a child can import them)."""

from __future__ import annotations

import os
import time

HANG_MARKER = "HANG-FOREVER"


def echo(value):
    return value


def size_of(value):
    return len(value.body) if hasattr(value, "body") else len(value)


def fail(value):
    raise ValueError(f"cannot handle {value!r}")


def spin_on_marker(value):
    """Loops forever when the value contains the marker (a CPU bomb), echoes it otherwise."""
    while HANG_MARKER in str(value):
        time.sleep(0.01)
    return value


def die(value):
    os._exit(9)


def enrich_or_hang(article):
    """The real attributor, except that it never returns on an article carrying the marker."""
    from newsflow.processing import enrich

    spin_on_marker(article.body)
    return enrich(article)
