"""Strip and enrich documents in-process (no broker); one JSON line per input.

PATH may be a file or folder (same formats as replay) or - for standard input
(HTML is recognised by its markup, anything else is read as plain text).
"""

from __future__ import annotations

import sys

import orjson


def add_arguments(parser) -> None:
    parser.add_argument("paths", nargs="+", metavar="PATH|-")
    parser.add_argument("--pretty", action="store_true", help="indented JSON")


def run(args, config) -> int:
    from newsflow.processing import extract
    from newsflow.replay import ReplayProblem

    option = orjson.OPT_INDENT_2 if args.pretty else 0
    failures = 0
    for doc in documents(args.paths):
        if isinstance(doc, ReplayProblem):
            print(f"newsflow extract: {doc.path}: {doc.error}", file=sys.stderr)
            failures += 1
            continue
        record = extract(doc.body, url=doc.url, content_type=doc.content_type, id=doc.id)
        sys.stdout.buffer.write(orjson.dumps(record.to_dict(), option=option) + b"\n")
    return 1 if failures else 0


def documents(paths):
    """Documents in argument order; ``-`` is standard input (HTML recognised by its markup)."""
    from newsflow.content import looks_like_html
    from newsflow.replay import iter_documents, make_document

    for path in paths:
        if path != "-":
            yield from iter_documents([path])
            continue
        text = sys.stdin.read()
        kind = "text/html" if looks_like_html(text) else "text/plain"
        yield make_document(text, content_type=kind, source_path="-")
