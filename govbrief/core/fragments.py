"""A list's rows rendered once per content and kept in the cache: Rails' collection caching.

Why (issue 14): the template engine spent about 180 µs on each row of a list, 4-5 ms of an
inbox page's 20, while from one view to the next almost every row shows exactly what it showed
before. Each row is kept under a digest of everything it shows, so nothing ever has to be
invalidated: a row whose state, flags, names or text change gets a new key, and its old entry
expires unread. A page asks the cache for all its rows at once (one round trip) and renders only
the rows it has not seen.

A row template is registered with the function that lists what it shows (``row_template``); it is
rendered without the request, the person or any other context than its item and the list's
display options, so it cannot show anything its key does not hold. The key also holds the
template's own source, the language and the time zone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import cache as memoize
from typing import Any

from django.core.cache import cache
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Long enough to serve a busy office's working day of page views, short enough that rows nobody
# opens any more leave the cache soon; a changed row takes a new key at once, whatever this is.
ROW_SECONDS = 3600

RowKey = Callable[..., tuple]  # (item, **options) -> every value the row shows

_ROWS: dict[str, tuple[str, RowKey]] = {}


def row_template(template_name: str, *, item: str) -> Callable[[RowKey], RowKey]:
    """Register ``template_name`` as a cached row: the decorated function, called with the item and
    the list's options, returns every value the row shows of the ``item`` (the name the template
    calls it by). A value the template shows that the function leaves out would keep showing its
    old value: list everything."""

    def register(key: RowKey) -> RowKey:
        _ROWS[template_name] = (item, key)
        return key

    return register


@memoize
def _template_digest(template_name: str) -> str:
    """The row template's source: a deployment that changes the template gets new keys."""
    source = get_template(template_name).template.source
    return hashlib.blake2b(source.encode(), digest_size=8).hexdigest()


def _key(parts: tuple) -> str:
    return "row:" + hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()


def render_rows(template_name: str, items: Sequence, **options: Any) -> SafeString:
    """The rows of ``items``, from the cache where they are there, rendered and kept where not.
    ``options`` are the list's display options (compact, selectable), part of every row's key."""
    try:
        item_name, key_of = _ROWS[template_name]
    except KeyError:
        raise LookupError(f"{template_name} is not a registered row template (core.fragments.row_template)") from None
    common = (template_name, _template_digest(template_name), get_language(), timezone.get_current_timezone_name(),
              tuple(sorted(options.items())))
    keys = [_key((common, key_of(item, **options))) for item in items]
    found = cache.get_many(keys)
    missing: dict[str, str] = {}
    template = get_template(template_name)
    rows = []
    for key, item in zip(keys, items):
        html = found.get(key)
        if html is None:
            html = missing[key] = template.render({item_name: item, **options})
        rows.append(html)
    if missing:
        cache.set_many(missing, ROW_SECONDS)
    return mark_safe("".join(rows))  # each row is a rendered, autoescaped template
