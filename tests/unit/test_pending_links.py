"""Pending links keep their own backoff until they succeed or are given up; saved feed state that
does not load is repaired, never a crash (fake clocks throughout)."""

from __future__ import annotations

import math

import pytest

from newsflow.config import FetchSettings
from newsflow.fetching.pending import PendingLink, after_failure, give_up_reason
from newsflow.fetching.schedule import FeedState, record_failure

SETTINGS = FetchSettings(pending_retry_base=30.0, pending_retry_max=600.0, give_up_after=3600.0)
LINK = {"url": "https://news.example/a", "attempt": 0, "schema_version": 1}


def test_backoff_doubles_up_to_its_cap_and_survives_a_round_trip():
    now, record, waits = 1_000.0, None, []
    for _ in range(7):
        record = after_failure(record, LINK, "server_error: HTTP 503", None, now, SETTINGS)
        assert record is not None and not record.due(now)
        waits.append(record.next_attempt - now)
        now = record.next_attempt
        record = PendingLink.from_dict(record.to_dict())  # as stored in the table and read back
    assert waits == [30, 60, 120, 240, 480, 600, 600]
    assert record.attempts == 7 and record.first_failure == 1_000.0 and len(record.history) == 5


def test_retry_after_lengthens_the_wait_and_giving_up_comes_after_the_age():
    record = after_failure(None, LINK, "rate_limited", 900.0, 0.0, SETTINGS)
    assert record.next_attempt == 900.0  # the server's wish beats the shorter backoff
    record = after_failure(record, LINK, "timeout", None, 3599.0, SETTINGS)
    assert record is not None  # still inside the give-up age
    assert after_failure(record, LINK, "timeout", None, 3600.0, SETTINGS) is None
    assert give_up_reason(record, "timeout", 3600.0) == "given up after 3 tries over 3600 s; last error: timeout"


def test_many_failures_do_not_overflow():
    record = PendingLink(LINK, 0.0, 10_000, 0.0)
    later = after_failure(record, LINK, "timeout", None, 10.0, SETTINGS)
    assert later is not None and later.next_attempt == 610.0


@pytest.mark.parametrize("junk", [None, 5, "x", {}, {"link": LINK}, {"link": 3, "first_failure": 0, "attempts": 1,
                                  "next_attempt": 0}, {"link": LINK, "first_failure": "nan", "attempts": 1,
                                  "next_attempt": 0}, {"link": LINK, "first_failure": 0, "attempts": -1,
                                  "next_attempt": float("inf")}])
def test_unusable_pending_records_read_as_none(junk):
    assert PendingLink.from_dict(junk) is None


@pytest.mark.parametrize("saved", [None, [], "state", 7,
                                   {"feed_url": "u", "next_due": None, "interval": None, "seen": None},
                                   {"next_due": "soon", "failures": "3", "etag": 5, "seen": [1, 2], "old_field": 1},
                                   {"next_due": 1e400, "interval": -5, "last_polled": float("nan")}])
def test_feed_state_that_fails_to_load_is_repaired_with_a_warning(saved, caplog):
    state = FeedState.restore("https://news.example/rss", saved, SETTINGS, now=1_000.0)
    assert state.feed_url == "https://news.example/rss" and state.is_due(1_000.0)  # a crash before
    assert math.isfinite(state.interval) and SETTINGS.min_poll_interval <= state.interval
    assert isinstance(state.seen, list) and state.failures >= 0
    assert "feed https://news.example/rss" in caplog.text


def test_good_feed_state_restores_unchanged_and_a_far_next_poll_is_pulled_in():
    state = FeedState.new("u", SETTINGS)
    state.etag, state.next_due, state.seen = '"e1"', 5_000.0, ["k1"]
    assert FeedState.restore("u", state.to_dict(), SETTINGS, now=1_000.0) == state
    state.next_due = 1_000.0 + 10 * 365 * 86400  # a ten-year Retry-After stored by an old version
    assert FeedState.restore("u", state.to_dict(), SETTINGS, now=1_000.0).next_due == 1_000.0


def test_a_huge_retry_after_or_failure_count_keeps_feed_backoff_finite():
    state = FeedState.new("u", SETTINGS)
    state.failures = 5_000
    record_failure(state, "HTTP 503", 0.0, SETTINGS, retry_after=6 * 3600.0)
    assert math.isfinite(state.next_due) and state.next_due <= 6 * 3600.0 * (1 + SETTINGS.poll_jitter)
