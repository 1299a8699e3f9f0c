"""Column sets for ``QuerySet.only()``: a page reads the columns it shows.

Why (issue 14): Django's SQL compiler works per selected column (naming, quoting, hashing each one
for the ORDER BY, a converter per column, a model field per value), so a detail page whose joins
pull every column of five people and six units spent 1-2 ms compiling each query, against 0.3 ms
for the inbox's narrow list; the people's password hashes travelled with every row as well.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model


def every(model: type[Model], *, prefix: str = "", exclude: Iterable[str] = ()) -> tuple[str, ...]:
    """All concrete columns of ``model`` (foreign keys by their ``_id`` name), under ``prefix``
    (``"report__"``): for a joined row a page shows in full."""
    skip = set(exclude)
    return tuple(f"{prefix}{field.attname}" for field in model._meta.concrete_fields if field.name not in skip)


def under(prefix: str, columns: Iterable[str]) -> tuple[str, ...]:
    """``columns`` of a joined model, under ``prefix`` (``"from_unit__"``)."""
    return tuple(f"{prefix}{column}" for column in columns)
