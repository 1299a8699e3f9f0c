"""``govbrief bench NAME``: the registry, the database check, and the JSON line as the last line."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser

from govbrief.bench import harness, pages, registry
from govbrief.bench.registry import Benchmark, UnknownBenchmark, benchmark_get

from . import fake_benchmark


@pytest.fixture
def fake(monkeypatch):
    monkeypatch.setitem(registry.BENCHMARKS, "fake",
                        Benchmark("fake", "tests.bench.fake_benchmark", "测试用"))
    monkeypatch.setattr(harness, "database_vendor", lambda: "postgresql")
    fake_benchmark.calls.clear()
    return fake_benchmark


def test_an_unknown_benchmark_is_refused_with_the_names_that_exist():
    with pytest.raises(UnknownBenchmark) as refused:
        benchmark_get("speed")
    assert "speed" in str(refused.value)
    assert "pages" in str(refused.value)


def test_the_command_refuses_an_unknown_benchmark_before_doing_anything():
    with pytest.raises(CommandError, match="没有名为“speed”的基准测试.*pages"):
        call_command("bench", "speed", stdout=StringIO())


def test_every_registered_benchmark_has_options_and_a_run():
    for benchmark in registry.BENCHMARKS.values():
        module = benchmark.load()
        assert callable(module.add_arguments) and callable(module.run), benchmark.name
        assert benchmark.summary


def test_the_json_line_is_the_last_line_printed(fake):
    out = StringIO()
    call_command("bench", "fake", "--size", "4", stdout=out)
    lines = out.getvalue().splitlines()
    assert json.loads(lines[-1]) == {**fake.FIGURES, "size": 4}
    assert lines[:-1] == ["一张表格", "+---+", '{"not": "the last line"}']


def test_the_benchmark_parses_its_own_options(fake):
    call_command("bench", "fake", stdout=StringIO())
    assert fake.calls[-1] == {"allow_sqlite": False, "size": 1}


def test_the_command_refuses_sqlite_without_allow_sqlite(fake, monkeypatch):
    monkeypatch.setattr(harness, "database_vendor", lambda: "sqlite")
    with pytest.raises(CommandError, match="PostgreSQL.*--allow-sqlite"):
        call_command("bench", "fake", stdout=StringIO())
    assert fake.calls == []
    call_command("bench", "fake", "--allow-sqlite", stdout=StringIO())
    assert fake.calls[-1]["allow_sqlite"] is True


def test_the_pages_benchmark_refuses_sqlite_before_generating_or_serving(monkeypatch):
    monkeypatch.setattr(harness, "database_vendor", lambda: "sqlite")

    def must_not_run(**kwargs):
        raise AssertionError("the benchmark ran on SQLite")

    monkeypatch.setattr(pages, "run", must_not_run)
    with pytest.raises(CommandError, match="--allow-sqlite"):
        call_command("bench", "pages", "--seconds", "1", stdout=StringIO())


def test_the_pages_defaults_are_the_issues():
    parser = CommandParser()
    pages.add_arguments(parser)
    options = vars(parser.parse_args([]))
    assert (options["reports"], options["seconds"], options["clients"]) == (100_000, 5.0, 20)
    assert options["workers"] is None and options["port"] == 0  # 2 × CPUs, a free port
