"""A benchmark that measures nothing, registered by the command's tests in place of a real one: it
shows what the command itself guarantees (the database check, the JSON line last)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from govbrief.bench.harness import Console

FIGURES = {"reports": 3, "errors": 0, "label": "假的"}
calls: list[dict[str, Any]] = []


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--size", type=int, default=1)


def run(*, options: dict[str, Any], console: Console) -> dict[str, Any]:
    calls.append(options)
    console.say("一张表格")
    console.say("+---+")
    console.say('{"not": "the last line"}')
    return {**FIGURES, "size": options["size"]}
