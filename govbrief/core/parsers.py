"""The API's JSON parser, bounded (issue 13): Python's json module recurses once per nesting level,
so ten kilobytes of ``[[[[…`` raised RecursionError — a 500 — before any serializer ran. No
document of this API nests deeper than a few levels."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 20


def too_deep(value, limit: int = MAX_DEPTH) -> bool:
    """Whether arrays and objects nest deeper than ``limit`` (walked with a stack, not recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise ParseError(_("The request body is larger than the API accepts."))
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as exc:
            raise ParseError(_("The request body is not valid UTF-8 text.")) from exc
        try:
            data = json.loads(text, parse_constant=self._refuse_constant)
        except RecursionError:
            data = None
            deep = True
        except ValueError as exc:
            raise ParseError(_("The request body is not valid JSON.")) from exc
        else:
            deep = too_deep(data)
        if deep:
            raise ParseError(_("The JSON body nests deeper than %(n)s levels.") % {"n": MAX_DEPTH})
        return data

    @staticmethod
    def _refuse_constant(name):
        # NaN and Infinity are not JSON (RFC 8259); Python would accept them.
        raise ValueError(name)
