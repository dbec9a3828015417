"""Unit tests of the broker-free foundation: config, replay readers, ids, progress, CLI edges."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json

import orjson
import pytest
import yaml

import newsflow
from newsflow import codec
from newsflow.config import Config, ConfigError, build_config, mask_secrets
from newsflow.deadletter import dead_letter
from newsflow.progress import Progress
from newsflow.replay import ReplayProblem, iter_documents
from tests.conftest import REPO, SEEDS, run_cli

SEED = next(SEEDS.glob("*.txt"))


# --- configuration -------------------------------------------------------------------------

def test_environment_settings_are_typed_and_flags_win():
    config = build_config({"partitions": 4}, environ={"NEWSFLOW_PARTITIONS": "2", "NEWSFLOW_BROKER": "k:9092",
                                                      "NEWSFLOW_VALIDATE_OUTPUT": "yes"})
    assert config.partitions == 4 and config.broker == "k:9092" and config.validate_output is True


@pytest.mark.parametrize("environ, message", [
    ({"NEWSFLOW_PARTITONS": "2"}, "unknown setting NEWSFLOW_PARTITONS"),
    ({"NEWSFLOW_PARTITIONS": "two"}, "not a valid int"),
    ({"NEWSFLOW_VALIDATE_OUTPUT": "maybe"}, "not a valid bool"),
    ({"NEWSFLOW_PARTITIONS": "0"}, "at least 1"),
])
def test_mistyped_settings_are_errors(environ, message):
    with pytest.raises(ConfigError, match=message):
        build_config(environ=environ)


def test_config_is_frozen_and_masks_secrets():
    config = Config(sinks=("postgresql://news:hunter2@db:5432/news",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.partitions = 3  # type: ignore[misc]
    assert "hunter2" not in json.dumps(config.describe())
    assert mask_secrets("postgres://u:p@h/d") == "postgres://u:***@h/d"


@pytest.mark.parametrize("spec, masked", [
    ("postgresql://h/db?password=pw&sslmode=require", "postgresql://h/db?password=***&sslmode=require"),
    ("postgresql://u:p%40ss@h:5432/db?sslpassword=k", "postgresql://u:***@h:5432/db?sslpassword=***"),
    ("sqlite:data/x.sqlite3", "sqlite:data/x.sqlite3"),
])
def test_one_secret_masker_covers_userinfo_and_query(spec, masked):
    assert mask_secrets(spec) == masked
    config = build_config({"sinks": (spec,)}, environ={})
    assert config.describe()["sinks"] == [masked]


def test_every_fetch_knob_has_a_flag_and_a_variable():
    from newsflow.cli import build_parser
    from newsflow.config import FetchSettings

    config = build_config({"max_body_bytes": "2048"}, environ={"NEWSFLOW_MIN_HOST_DELAY": "0.5",
                                                              "NEWSFLOW_OBEY_ROBOTS": "no"})
    assert config.fetch.max_body_bytes == 2048 and config.fetch.min_host_delay == 0.5
    assert config.fetch.obey_robots is False
    args = build_parser().parse_args(["run", "--max-retries", "4", "--no-obey-robots", "--warc", "x.warc"])
    overrides = args.module.config_overrides(args)
    for f in dataclasses.fields(FetchSettings):
        assert f.name in overrides, f.name
    fetch = build_config(overrides, environ={}).fetch
    assert (fetch.max_retries, fetch.obey_robots, fetch.warc_path) == (4, False, "x.warc")


@pytest.mark.parametrize("argv, message", [
    (["run", "--min-host-delay", "soon"], "--min-host-delay='soon' is not a valid float"),
    (["run", "--min-poll-interval", "5000"], "min_poll_interval <= default_poll_interval"),
])
def test_bad_flag_values_are_one_line_errors(argv, message, capsys):
    from newsflow.cli import main

    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


# --- replay readers and ids ----------------------------------------------------------------

def test_seed_text_file_gives_title_and_stable_content_id(tmp_path):
    (first,) = iter_documents([SEED])
    (again,) = iter_documents([SEED])
    assert first.title.startswith("Senior defense official") and first.content_type == "text/plain"
    assert first.id == again.id and first.id.startswith("sha1:")
    copy = tmp_path / "copy.txt"
    copy.write_text(SEED.read_text() + "\n\n")  # trailing whitespace does not change the id
    assert next(iter_documents([copy])).id == first.id


def test_json_and_jsonl_records_with_url_get_url_ids(tmp_path):
    records = [{"url": "https://www.example.com/a/story/?utm_source=rss#top", "html": "<p>x</p>"},
               {"url": "http://example.com/a/story", "text": "Title\n\nBody"}]
    (tmp_path / "two.json").write_text(json.dumps(records))
    (tmp_path / "one.jsonl").write_text(json.dumps(records[1]) + "\n")
    docs = list(iter_documents([tmp_path]))
    assert [d.content_type for d in docs] == ["text/plain", "text/html", "text/plain"]
    assert len({d.id for d in docs}) == 1 and docs[0].id.startswith("url:")
    assert docs[1].canonical_url == "https://example.com/a/story"


def test_html_file_uses_canonical_link_for_its_id(tmp_path):
    page = tmp_path / "page.html"
    page.write_text('<html><head><link rel="canonical" href="https://news.example/x"></head><body></body></html>')
    (doc,) = iter_documents([page])
    assert doc.url == "https://news.example/x" and doc.id.startswith("url:")


def test_bad_records_become_problems_not_exceptions(tmp_path):
    (tmp_path / "bad.jsonl").write_text('{"url": "https://a.example/1", "text": "ok"}\n{nope\n{"url": "x"}\n')
    (tmp_path / "bad.json").write_text("{")
    (tmp_path / "notes.txt").write_bytes(b"\xff\xfe\xfa not utf-8")
    items = list(iter_documents([tmp_path]))
    problems = [i for i in items if isinstance(i, ReplayProblem)]
    assert len(items) - len(problems) == 1
    errors = " | ".join(p.error for p in problems)
    assert "line 2: not JSON" in errors and "neither an 'html' nor a 'text'" in errors
    assert "UnicodeDecodeError" in errors and "JSONDecodeError" in errors


def test_missing_replay_path_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="no such file or folder"):
        list(iter_documents(["/nonexistent/seeds"]))


# --- dead letters and codec ----------------------------------------------------------------

def test_dead_letter_keeps_exact_bytes_and_reason():
    raw = b"\xff\x00garbage"
    letter = dead_letter("stripper", ValueError("bad"), topic="news.raw", payload=raw, key=b"k", offset=7)
    assert base64.b64decode(letter.payload_b64) == raw and letter.error == "bad"
    assert letter.error_type == "ValueError" and letter.key == "k" and letter.offset == 7
    assert codec.decode(codec.encode(letter, base_topic="news.dlq"), "news.dlq") == letter
    text_letter = dead_letter("replay", "broken", topic="f.jsonl", payload="{x")
    assert text_letter.payload_b64 is None and text_letter.payload == "{x"


@pytest.mark.parametrize("value, message", [(b"{nope", "not JSON"), (b"[1]", "JSON object"),
                                            (None, "empty"), (b'{"id": 1}', "schema")])
def test_decode_rejects_poison_with_clear_errors(value, message):
    with pytest.raises(codec.DecodeError, match=message):
        codec.decode(value, "news.raw")


# --- progress (exit-when-idle) ---------------------------------------------------------------

def test_progress_is_idle_only_when_every_sink_has_every_document():
    progress = Progress(sink_names=("a", "b"))
    progress.expect("1"), progress.expect("2")
    progress.finish_replay()
    progress.stored_in("a", ["1", "2"])
    assert not progress.idle
    progress.stored_in("b", ["1"])
    assert not progress.idle
    progress.dead("2")
    assert progress.idle


def test_progress_wait_idle_wakes_up():
    async def scenario():
        progress = Progress(sink_names=("a",))
        progress.expect("1")
        waiter = asyncio.ensure_future(progress.wait_idle())
        await asyncio.sleep(0)  # let the waiter start and block
        assert not waiter.done()
        progress.finish_replay(), progress.stored_in("a", ["1"])
        await asyncio.wait_for(waiter, 1)
    asyncio.run(scenario())


# --- public surface, CLI and deployment files -------------------------------------------------

def test_public_api_exports_exactly_all():
    for name in newsflow.__all__:
        assert getattr(newsflow, name) is not None
        assert getattr(newsflow, name).__module__.startswith("newsflow."), name  # `pipeline` is not installed
    assert {"strip_boilerplate", "find_attributions", "extract"} <= set(newsflow.__all__)
    with pytest.raises(AttributeError):
        newsflow.not_there  # noqa: B018


def test_extract_cli_prints_one_enriched_record_per_input():
    result = run_cli("extract", str(SEED), "-", input="Plain title\n\nThe mayor said the bridge will reopen.\n")
    assert result.returncode == 0, result.stderr
    first, second = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert first["article"]["title"].startswith("Senior defense official")
    assert any(a["speaker"] == "a senior U.S. defense official" for a in first["attributions"])
    assert second["article"]["body"].startswith("The mayor said")


def test_unknown_setting_makes_the_cli_fail_clearly():
    result = run_cli("schemas", env={"NEWSFLOW_BROKR": "x:1"})
    assert result.returncode == 2 and "unknown setting NEWSFLOW_BROKR" in result.stderr


def test_replay_without_broker_says_how_to_get_one(tmp_path):
    result = run_cli("replay", "--data-dir", str(tmp_path), str(SEED))
    assert result.returncode == 1 and "no broker" in result.stderr


def test_schemas_cli_prints_every_topic_schema():
    result = run_cli("schemas")
    assert set(orjson.loads(result.stdout)) == {"news.raw", "news.clean", "news.enriched", "news.dlq", "news.links"}


def test_docker_compose_names_the_documented_services_and_settings():
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"kafka", "postgres", "newsflow"} <= set(services)
    assert "broker,controller" in services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"]  # KRaft
    worker_env = services["newsflow"]["environment"]
    assert worker_env["NEWSFLOW_BROKER"] == "kafka:9092"
    assert worker_env["NEWSFLOW_SINKS"].startswith("postgresql://")
    readme = (REPO / "README.md").read_text()
    for name in ("docker-compose", "KRaft", "NEWSFLOW_BROKER", "NEWSFLOW_SINKS"):
        assert name in readme
    build_config(environ={k: str(v) for k, v in worker_env.items()})  # the compose settings are valid


def test_compose_listeners_ports_health_and_scaling():
    services = yaml.safe_load((REPO / "docker-compose.yml").read_text())["services"]
    kafka, postgres, worker = services["kafka"], services["postgres"], services["newsflow"]
    env = kafka["environment"]
    listeners = dict(item.split("://") for item in env["KAFKA_ADVERTISED_LISTENERS"].split(","))
    assert listeners["INTERNAL"] == "kafka:9092"  # inside the compose network, what the worker uses
    host_port = listeners["EXTERNAL"].rsplit(":", 1)[1]
    assert listeners["EXTERNAL"].startswith("localhost:") and f"EXTERNAL://:{host_port}" in env["KAFKA_LISTENERS"]
    assert any(p.endswith(f"{host_port}:{host_port}") for p in kafka["ports"])  # published to the host
    assert env["KAFKA_INTER_BROKER_LISTENER_NAME"] == "INTERNAL"
    protocols = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert {"INTERNAL", "EXTERNAL", "CONTROLLER"} <= set(protocols)
    # PostgreSQL must not clash with a server on the host's 5432.
    assert all(p.split(":")[-2] != "5432" for p in postgres.get("ports", []))
    for service in (kafka, postgres):
        assert service["healthcheck"]["test"]
    assert {name: dep["condition"] for name, dep in worker["depends_on"].items()} == \
        {"kafka": "service_healthy", "postgres": "service_healthy"}
    assert "container_name" not in worker and "ports" not in worker  # `--scale newsflow=N`
    assert worker["build"] == "." and worker["command"] == ["run"]


def test_dockerfile_installs_the_wheel_as_a_non_root_user():
    lines = [l.strip() for l in (REPO / "Dockerfile").read_text().splitlines() if l.strip() and not l.startswith("#")]
    froms = [l for l in lines if l.startswith("FROM ")]
    assert froms and all("python:3.11-slim" in l for l in froms)
    assert any("pip wheel" in l and "--no-deps" in l for l in lines)
    assert any("pip install" in l and ".whl" in l for l in lines)
    final = lines[lines.index(froms[-1]):]
    user = [l for l in final if l.startswith("USER ")]
    assert user and user[-1] not in ("USER root", "USER 0")
    assert 'ENTRYPOINT ["newsflow"]' in final
    copied = {l.split()[1].rstrip("/") for l in lines if l.startswith("COPY ") and "--from" not in l}
    assert {"pipeline", "agents", "schemas", "pyproject.toml"} <= copied  # what the wheel is built from


def test_ci_runs_the_readme_test_command():
    command = [l for l in (REPO / ".ci/run").read_text().splitlines() if l and not l.startswith("#")][-1]
    assert command in (REPO / "README.md").read_text()


def test_clean_document_keeps_what_the_fetcher_knew():
    from newsflow.processing import clean_document
    from newsflow.records import RawDocument

    raw = RawDocument(id="url:1", body="<html><body><article><h1>Dam opens</h1><p>The dam opened on Monday "
                      "after six years of construction work, officials said.</p></article></body></html>",
                      content_type="text/html", url="https://news.example/dam", published="2024-05-01",
                      authors=["Ann Lee"], language="en", feed_url="https://news.example/rss",
                      feed_title="Example News", duplicate_of="url:0")
    article = clean_document(raw)
    assert (article.id, article.published, article.authors, article.language) == ("url:1", "2024-05-01", ["Ann Lee"], "en")
    assert (article.feed_url, article.feed_title, article.duplicate_of) == ("https://news.example/rss", "Example News", "url:0")
    assert "The dam opened on Monday" in article.body


def test_faust_settings_suit_tansu_and_big_pages():
    from newsflow.stream.app import faust_settings
    from newsflow.stream.kafka import MAX_MESSAGE_BYTES

    settings = faust_settings(Config(partitions=3, session_timeout=10.0), "h1:9092,h2:9092")
    assert settings["broker"] == "newsflow://h1:9092,newsflow://h2:9092"  # our transport: short fetch wait
    assert settings["broker_session_timeout"] == 10.0  # the first join waits about half of it
    assert settings["topic_partitions"] == 3 and settings["producer_acks"] == 1
    assert settings["producer_max_request_size"] == MAX_MESSAGE_BYTES > 1_000_000


def test_a_page_over_a_megabyte_goes_through_the_codec_and_stripper():
    from newsflow.processing import extract
    from newsflow.replay import make_document

    paragraphs = "".join(f"<p>Witness {i} told the committee about the flood defences on street {i}. " * 8 + "</p>"
                         for i in range(2000))
    html = "<html><body><article><h1>Flood inquiry</h1>" + paragraphs + "</article></body></html>"
    raw = make_document(html, content_type="text/html", url="https://news.example/flood")
    assert len(codec.encode(raw, base_topic="news.raw")) > 1_000_000
    record = extract(html, url="https://news.example/flood")
    assert record.article.title == "Flood inquiry" and len(record.article.paragraphs) > 1000


def test_progress_of_a_continuous_run_remembers_nothing():
    progress = Progress(sink_names=("a",), tracking=False)
    for n in range(1000):
        progress.expect(str(n)), progress.stored_in("a", [str(n)]), progress.dead(str(n)), progress.link_sent("u")
    assert not progress.expected and not progress.stored and not progress.dead_ids and not progress.links_in_flight


def test_topic_names_are_spelt_only_in_newsflow_topics():
    import ast

    from newsflow.topics import ALL_TOPICS

    offenders = []
    for path in [*(REPO / "pipeline").rglob("*.py"), *(REPO / "agents").rglob("*.py")]:
        if path.name == "topics.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and node.value in ALL_TOPICS:
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_topic_create_requests_carry_compaction_for_the_state_topic():
    from aiokafka.admin import AIOKafkaAdminClient

    from newsflow.stream.kafka import new_topics
    from newsflow.topics import ALL_TOPICS, FEED_STATE, TopicNames

    names = TopicNames("p.")
    wire = {t.name: AIOKafkaAdminClient._convert_new_topic_request(t) for t in new_topics(names, 3, set())}
    assert set(wire) == {names.name(b) for b in ALL_TOPICS}
    assert wire["p." + FEED_STATE] == ("p." + FEED_STATE, 3, 1, [], [("cleanup.policy", "compact")])
    assert all(w[4] == [] for name, w in wire.items() if name != "p." + FEED_STATE)  # the rest keep the default
    assert [t.name for t in new_topics(names, 3, {"p." + FEED_STATE})] == [names.name(b) for b in ALL_TOPICS if b != FEED_STATE]


@pytest.mark.parametrize("tag, primary", [("en-GB", "en"), ("de_AT", "de"), ("FR", "fr"), (" pt-BR, en", "pt"),
                                          ("", None), (None, None), (3, None)])
def test_one_language_normaliser(tag, primary):
    from newsflow.content import primary_language

    assert primary_language(tag) == primary


def test_one_html_sniffer_and_clock():
    from newsflow.clock import now_iso
    from newsflow.content import looks_like_html

    assert looks_like_html(b"\xef\xbb\xbf  <!doctype html><p>x") and looks_like_html("\n<p>x</p>")
    assert not looks_like_html("Title\n\nBody <b>bold</b>")
    stamp = now_iso()
    assert stamp.endswith("Z") and len(stamp) == len("2026-01-01T00:00:00.000Z")


# --- versions ----------------------------------------------------------------------------------

def test_stage_versions_are_base_plus_content_hash():
    import re

    from newsflow.attribution import ATTRIBUTOR_VERSION
    from newsflow.stripping import STRIPPER_VERSION
    from newsflow.versions import package_version

    assert re.fullmatch(r"rules-\d+\+[0-9a-f]{8}", ATTRIBUTOR_VERSION)
    assert re.fullmatch(r"1\.0\.0\+[0-9a-f]{8}", STRIPPER_VERSION)
    assert package_version("1.0.0", "newsflow.stripping") == STRIPPER_VERSION


def test_changing_a_rule_files_bytes_changes_the_version(tmp_path, monkeypatch):
    from newsflow.versions import content_version, package_version

    sources = [(p.name, p.read_bytes()) for p in (REPO / "pipeline" / "stripping").glob("*.py")]
    edited = [(n, data + b"\n# one more rule\n" if n == "lexicon.py" else data) for n, data in sources]
    assert content_version("1.0.0", sources) == content_version("1.0.0", list(reversed(sources)))
    assert content_version("1.0.0", sources) != content_version("1.0.0", edited)

    package = tmp_path / "rulepkg"
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "data" / "words.txt").write_text("said\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = package_version("rules-1", "rulepkg")
    (package / "data" / "words.txt").write_text("said\ntold\n")
    assert package_version("rules-1", "rulepkg") != before
