"""CLI edges: --version, per-command options, one-line errors, a closed pipe, files in the right folder."""

from __future__ import annotations

import subprocess
import sys

import pytest

from newsflow import __version__
from newsflow.cli import build_parser, main
from newsflow.config import build_config
from tests.conftest import REPO, SEEDS

SEED = next(SEEDS.glob("*.txt"))


def help_of(command: str) -> str:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    return sub.format_help()


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out.strip() == f"newsflow {__version__}"


@pytest.mark.parametrize("command, present, absent", [
    ("run", ["--web-port", "--broker", "--partitions", "--log-format", "--verbose-internals"], []),
    ("schemas", [], ["--broker", "--data-dir", "--partitions", "--log-level"]),
    ("search", ["--data-dir", "--limit"], ["--broker", "--partitions", "--topic-prefix"]),
    ("speakers", ["--data-dir", "--limit", "--db"], ["--broker", "--partitions"]),
    ("tail", ["--broker", "--topic-prefix"], ["--partitions", "--web-port"]),
    ("status", ["--url", "--json", "--data-dir"], ["--broker", "--partitions"]),
    ("extract", ["--log-level"], ["--broker", "--data-dir"]),
])
def test_each_command_lists_only_the_options_it_uses(command, present, absent):
    text = help_of(command)
    assert all(flag in text for flag in present), text
    assert not any(flag in text for flag in absent), text


def run_main(capsys, *argv: str) -> tuple[int, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse errors
        code = exc.code
    err = capsys.readouterr().err
    return code, err


@pytest.mark.parametrize("argv, message", [
    (["schemas", "news.nope"], "no schema for topic 'news.nope'"),
    (["search", "x", "--limit", "0"], "must be at least 1"),
    (["quotes", "--speaker", "x", "--limit", "many"], "not a whole number"),
    (["run", "--web-port", "70000"], "out of range"),
    (["run", "--metrics-port", "-1"], "out of range"),
    (["status", "--data-dir", "/nonexistent-newsflow"], "no running worker found"),
    (["status", "--url", "http://127.0.0.1:9/"], "no worker answers"),
])
def test_bad_input_is_a_one_line_error(capsys, argv, message):
    code, err = run_main(capsys, *argv)
    assert code in (1, 2) and "Traceback" not in err
    assert message in err.strip().splitlines()[-1]  # argparse prints its usage above the error line


def test_db_must_be_a_sqlite_file(capsys, tmp_path):
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database")
    code, err = run_main(capsys, "search", "word", "--db", str(text_file))
    assert code == 1 and "is not a SQLite database" in err
    code, err = run_main(capsys, "quotes", "--speaker", "x", "--db", str(tmp_path / "missing.sqlite3"))
    assert code == 1 and "no SQLite store at" in err


async def test_speakers_and_quotes_show_titles(capsys, tmp_path):
    from newsflow.sinks import SqliteSink
    from tests.unit.test_sinks import berg, deliver, make_article

    db = tmp_path / "store.sqlite3"
    async with SqliteSink(db) as sink:
        await deliver(sink, make_article(1, speakers=("Ann Lee", "Joanne Park"),
                                         listed=(berg(("Sen.", "a former judge"), 3, 1, "Ann Lee"),
                                                 berg((), 1, 1, "Joanne Park"))))
    assert main(["speakers", "ann", "--db", str(db)]) == 0
    assert capsys.readouterr().out == "Ann Lee (Sen.; a former judge): 1 quotes, 3 mentions in 1 articles\n"
    assert main(["quotes", "--speaker", "Ann", "--db", str(db)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "Ann Lee [Sen.; a former judge] (said, indirect): " \
                                                      "the bridge would reopen"
    assert main(["speakers", "nne", "--db", str(db)]) == 0 and capsys.readouterr().out == "no speakers\n"
    assert main(["speakers", "--db", str(db)]) == 0
    assert capsys.readouterr().out.splitlines()[1].startswith("Joanne Park: 1 quotes")


def test_ports_from_the_environment_are_checked_too():
    from newsflow.config import ConfigError

    with pytest.raises(ConfigError, match="web_port must be between 0 and 65535"):
        build_config(environ={"NEWSFLOW_WEB_PORT": "65536"})
    assert build_config(environ={"NEWSFLOW_WEB_PORT": "0", "NEWSFLOW_LOG_FORMAT": "json"}).log_format == "json"
    with pytest.raises(ConfigError, match="log_format"):
        build_config(environ={"NEWSFLOW_LOG_FORMAT": "xml"})


def test_a_missing_sink_folder_is_an_error_unless_default(capsys, tmp_path):
    code, err = run_main(capsys, "run", "--sink", f"sqlite:{tmp_path}/no/such/store.sqlite3")
    assert code == 1 and "does not exist" in err
    code, err = run_main(capsys, "run", "--sink", f"jsonl:{tmp_path}/nope/out.jsonl")
    assert code == 1 and "does not exist" in err
    from newsflow.cli.run import check_sink_folder

    check_sink_folder(f"sqlite:{tmp_path}/store.sqlite3", tmp_path / "data")  # an existing folder is fine
    check_sink_folder(f"sqlite:{tmp_path}/data/new/store.sqlite3", tmp_path / "data")  # the data folder is made
    assert build_config({"data_dir": tmp_path / "new"}).default_sinks == (f"sqlite:{tmp_path}/new/newsflow.sqlite3",)


def test_feeds_add_says_when_a_url_was_already_there(capsys, tmp_path):
    feeds = tmp_path / "feeds.txt"
    assert main(["feeds", "add", "https://example.org/rss", "--file", str(feeds)]) == 0
    assert "added" in capsys.readouterr().out
    assert main(["feeds", "add", "https://example.org/rss", "--file", str(feeds)]) == 0
    assert "was already in" in capsys.readouterr().out
    assert feeds.read_text().count("https://example.org/rss") == 1


def test_a_closed_pipe_ends_quietly(tmp_path):
    for n in range(40):  # enough output to fill the pipe after the reader left
        (tmp_path / f"{n}.txt").write_text(SEED.read_text() + f"\n\ncopy {n}\n")
    process = subprocess.Popen([sys.executable, "-m", "newsflow.cli", "extract", str(tmp_path)], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.readline().startswith(b"{")
    process.stdout.close()  # like `| head -1`
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=60) == 0 and stderr == ""


def test_faust_keeps_its_files_in_the_data_folder(tmp_path):
    from newsflow.stream.app import faust_settings

    settings = faust_settings(build_config({"data_dir": tmp_path}), "127.0.0.1:9092")
    assert settings["datadir"].startswith(str(tmp_path))
