"""Many counts in one round trip to the database, and per-row flags a list can afford.

Every page shows figures in its navigation (queues, things to sign, returned reports), and each app
that comes adds its own. One query per figure made the navigation the largest share of every page's
queries (issue 14), so the figures are gathered here into one statement of scalar subqueries,
``SELECT (SELECT COUNT(*) FROM …) AS a, (SELECT COUNT(*) FROM …) AS b``, which PostgreSQL and SQLite
both answer without a table of their own. Each queryset keeps its own filters (and so its
visibility rule): this only changes how the counts travel, never what they count.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, Func, IntegerField, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce


def _capped_count_sql(queryset: QuerySet, using: str, cap: int) -> tuple[str, tuple]:
    # The rows counted stop at cap + 1: enough to say "more than cap", whatever the history behind it.
    rows = queryset.order_by().select_related(None).values("pk")[: cap + 1]
    sql, params = rows.query.get_compiler(using=using).as_sql()
    return f"SELECT COUNT(*) FROM ({sql}) AS capped", params


def _count_sql(queryset: QuerySet, using: str) -> tuple[str, tuple]:
    # COUNT(*) as a plain function, not an aggregate: the subquery then has no GROUP BY and yields one
    # row, whatever the queryset's ordering or related selections (both dropped here); and it needs
    # no column, so an index that holds the filtered columns answers it alone (index-only scan).
    counted = (queryset.order_by().select_related(None)
               .annotate(_count=Func(template="COUNT(*)", output_field=IntegerField())).values("_count"))
    return counted.query.get_compiler(using=using).as_sql()


def count_all(querysets: dict[str, QuerySet], *, cap: int | None = None, using: str = "default") -> dict[str, int]:
    """``{name: queryset.count()}`` for every queryset, in a single query (none when empty). With
    ``cap``, a count stops at ``cap + 1`` (shown as "999+"): a figure on every page must not cost
    more the longer an office has worked (issue 14)."""
    if not querysets:
        return {}
    connection = connections[using]
    quote = connection.ops.quote_name
    counts = dict.fromkeys(querysets, 0)
    columns, names, params = [], [], []
    for name, queryset in querysets.items():
        try:
            sql, sql_params = _count_sql(queryset, using) if cap is None else _capped_count_sql(queryset, using, cap)
        except EmptyResultSet:  # a queryset that can match nothing (``.none()``) counts 0 without asking
            continue
        columns.append(f"({sql}) AS {quote(name)}")
        names.append(name)
        params.extend(sql_params)
    if columns:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(columns), params)
            counts.update({name: int(value or 0) for name, value in zip(names, cursor.fetchone())})
    return counts


def row_flag(queryset: QuerySet) -> Coalesce:
    """Whether ``queryset`` (correlated with ``OuterRef``) has a row, as a list's per-row flag.

    ``Exists`` lets PostgreSQL turn the test into a hashed subplan that reads every correlated row
    before returning the first of the page whenever it expects many outer rows, as it does under a
    LIMIT: an editor's 25-row inbox read all 33,718 of his read marks (issue 14). A scalar subquery
    cannot be hashed, so it is asked once per row of the page, through the index."""
    present = queryset.order_by().annotate(_present=Value(True, output_field=BooleanField())).values("_present")[:1]
    return Coalesce(Subquery(present, output_field=BooleanField()), Value(False), output_field=BooleanField())
