"""Replay never aborts on one bad record: every file, record and WARC entry is a document or a
problem with its reason, and publishing sends each problem to the dead letters."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import json
import time
from pathlib import Path

import orjson
import pytest

from newsflow.fetching.warc import WarcDamaged, WarcWriter, iter_warc_entries, iter_warc_records
from newsflow.records import RawDocument
from newsflow.replay import ReplayProblem, iter_documents, page_url
from newsflow.stream.kafka import publish_replay
from newsflow.topics import TopicNames

PAGE = "<html><head><title>Story {n}</title></head><body><article><p>Story {n} text.</p></article></body></html>"


def split(items):
    items = list(items)
    docs = [i for i in items if isinstance(i, RawDocument)]
    return docs, [i for i in items if isinstance(i, ReplayProblem)]


def write_warc(path: Path, n: int = 5) -> bytes:
    with WarcWriter(path) as writer:
        for i in range(n):
            writer.write_response(f"https://news.example/{i}", 200, {"Content-Type": "text/html"},
                                  (PAGE.format(n=i) + "<!-- padding -->" * 200).encode())
    return path.read_bytes()


def test_wrong_field_types_are_problems_with_the_field_named(tmp_path):
    lines = [{"url": 5, "html": "<p>x</p>"}, {"url": "https://a.example/1", "html": []},
             {"text": "T\n\nbody", "title": 7}, {"text": "T", "authors": "Ann"},
             {"url": "https://a.example/2", "text": "Good\n\nbody"}]
    (tmp_path / "types.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    docs, problems = split(iter_documents([tmp_path]))
    assert [d.url for d in docs] == ["https://a.example/2"]
    assert [p.reason for p in problems] == ["bad-record"] * 4
    assert [p.offset for p in problems] == [1, 2, 3, 4]
    assert "'url' must be a string, got int" in problems[0].error
    assert "'html' must be a string, got list" in problems[1].error
    assert "'title'" in problems[2].error and "'authors'" in problems[3].error


def test_invalid_json_lines_and_files_and_undecodable_bytes(tmp_path):
    (tmp_path / "a.jsonl").write_bytes(b'{"text": "ok one"}\n{nope\n\xff\xfe{"x"\n{"text": "ok two"}\n')
    (tmp_path / "b.json").write_text("[{")
    (tmp_path / "c.txt").write_bytes(b"Title\n\n\xff\xfa\xfb not utf-8 at all")
    docs, problems = split(iter_documents([tmp_path]))
    assert sorted(d.body for d in docs) == ["ok one", "ok two"]
    reasons = {(Path(p.path).name, p.reason, p.offset) for p in problems}
    assert reasons == {("a.jsonl", "not-json", 2), ("a.jsonl", "not-json", 3), ("b.json", "not-json", None),
                       ("c.txt", "undecodable", None)}
    raw_line = next(p for p in problems if p.offset == 3).payload
    assert raw_line == b'\xff\xfe{"x"\n'  # the exact bytes, for the dead letter's base64


def test_unreadable_entries_are_problems_not_crashes(tmp_path, monkeypatch):
    (tmp_path / "folder.html").mkdir()  # a directory with an article suffix, inside the folder
    (tmp_path / "folder.html" / "inner.txt").write_text("Inner\n\nfound inside the folder")
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (tmp_path / "gone.html").symlink_to(tmp_path / "missing.html")
    (tmp_path / "locked.txt").write_text("Locked\n\nbody")
    real = Path.read_text

    def deny(self, *args, **kwargs):
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", deny)
    docs, problems = split(iter_documents([tmp_path]))
    assert [d.title for d in docs] == ["Inner"]
    by_name = {Path(p.path).name: p for p in problems}
    assert set(by_name) == {"loop.txt", "gone.html", "locked.txt"}
    assert "Permission denied" in by_name["locked.txt"].error
    assert all(p.reason == "unreadable" for p in problems)


def test_truncated_plain_warc_keeps_the_records_before_the_cut(tmp_path):
    data = write_warc(tmp_path / "full.warc")
    starts = [offset for offset, _ in iter_warc_entries(tmp_path / "full.warc")]
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: (starts[2] + starts[3]) // 2])  # two whole records, half of the third
    docs, problems = split(iter_documents([cut]))
    assert [d.url for d in docs] == ["https://news.example/0", "https://news.example/1"]
    (problem,) = problems
    assert problem.reason == "corrupt-warc" and "truncated" in problem.error
    assert problem.offset == starts[2]  # where the damaged record starts: re-readable from there


@pytest.mark.parametrize("where", [0.5, 0.97])
def test_truncated_gzip_warc_is_reported_not_silently_short(tmp_path, where):
    data = write_warc(tmp_path / "full.warc.gz")
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: int(len(data) * where)])
    docs, problems = split(iter_documents([cut]))
    assert 1 <= len(docs) < 5 and all(d.body.startswith("<html>") for d in docs)
    (problem,) = problems
    assert problem.reason == "corrupt-warc"
    with pytest.raises(WarcDamaged):
        list(iter_warc_records(cut))


def test_corrupt_gzip_member_and_garbage_warc(tmp_path):
    data = bytearray(write_warc(tmp_path / "full.warc.gz"))
    middle = len(data) // 2
    data[middle: middle + 40] = b"\0" * 40
    (tmp_path / "bad.warc.gz").write_bytes(bytes(data))
    (tmp_path / "junk.warc").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 4)
    (tmp_path / "empty.warc").write_bytes(b"")
    docs, problems = split(iter_documents([tmp_path / "bad.warc.gz", tmp_path / "junk.warc",
                                           tmp_path / "empty.warc"]))
    assert 1 <= len(docs) < 5
    assert [(Path(p.path).name, p.reason) for p in problems] == [("bad.warc.gz", "corrupt-warc"),
                                                                 ("junk.warc", "corrupt-warc")]


def test_warc_response_with_empty_body_is_not_published(tmp_path):
    path = tmp_path / "empty-body.warc"
    with WarcWriter(path) as writer:
        writer.write_response("https://news.example/empty", 200, {"Content-Type": "text/html"}, b"")
        writer.write_response("https://news.example/ok", 200, {"Content-Type": "text/html"},
                              PAGE.format(n=1).encode())
    docs, problems = split(iter_documents([path]))
    assert [d.url for d in docs] == ["https://news.example/ok"]
    assert problems[0].reason == "corrupt-warc" and "empty body" in problems[0].error


def test_oversize_documents_become_problems_with_size_sha256_and_location(tmp_path):
    big = "x" * 50_000
    (tmp_path / "big.jsonl").write_text(json.dumps({"text": "small"}) + "\n" + json.dumps({"text": big}) + "\n")
    docs, problems = split(iter_documents([tmp_path], max_bytes=20_000))
    assert [d.body for d in docs] == ["small"]
    (problem,) = problems
    assert problem.reason == "oversize" and problem.offset == 2
    assert hashlib.sha256(big.encode()).hexdigest() in problem.error and "50000 bytes" in problem.error
    assert str(tmp_path / "big.jsonl") in problem.error


def test_canonical_link_search_is_fast_on_a_crafted_page():
    crafted = "<link rel=canonical " + "<link x=" * 4000  # the page that took the old regex 80 s
    started = time.perf_counter()
    assert page_url(crafted) is None
    assert page_url('<meta property="og:url" content="https://n.example/a">') == "https://n.example/a"
    assert page_url('<LINK REL="Canonical" HREF="https://n.example/b"><p>x</p>') == "https://n.example/b"
    assert time.perf_counter() - started < 1.0


def test_charset_meta_search_is_bounded():
    from newsflow.fetching.decoding import decode_text

    started = time.perf_counter()
    decode_text(b"<meta " * 20_000, "text/html")
    assert time.perf_counter() - started < 2.0


def test_publish_replay_sends_documents_and_dead_letters_with_counts(tmp_path):
    (tmp_path / "ok.txt").write_text("Fine\n\nA fine story.")
    (tmp_path / "bad.jsonl").write_text('{nope\n{"url": 5, "text": "x"}\n')
    (tmp_path / "big.txt").write_text("Big\n\n" + "y" * 9 * 1024 * 1024)
    sent: list[tuple[str, bytes]] = []

    async def send(topic, key, value):
        sent.append((topic, value))

    report = asyncio.run(publish_replay(send, TopicNames(), [tmp_path]))
    assert report.published == 1 and dict(report.dead_lettered) == {"not-json": 1, "bad-record": 1, "oversize": 1}
    assert "3 dead-lettered" in report.describe()
    letters = [orjson.loads(v) for t, v in sent if t == "news.dlq"]
    assert sorted(letter["error_type"] for letter in letters) == ["bad-record", "not-json", "oversize"]
    assert all(len(v) < 256 * 1024 for _, v in sent if _ == "news.dlq")  # every dead letter fits
    oversize = next(letter for letter in letters if letter["error_type"] == "oversize")
    assert oversize["topic"].endswith("big.txt") and "sha256" in oversize["error"]
    assert oversize["reason"] == "oversize" and oversize["payload_truncated"]
    assert oversize["payload_size"] > 9 * 1024 * 1024 and len(oversize["payload_sha256"]) == 64
    assert [t for t, _ in sent].count("news.raw") == 1


def test_gzip_helper_accepts_concatenated_members(tmp_path):
    path = tmp_path / "two.warc.gz"
    path.write_bytes(gzip.compress(b"a") + gzip.compress(b"b"))
    from newsflow.fetching.warc import _gzip_complete

    assert _gzip_complete(path)
    path.write_bytes(gzip.compress(b"a") + gzip.compress(b"b" * 1000)[:-5])
    assert not _gzip_complete(path)
