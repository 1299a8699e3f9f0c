"""Many counts in one round trip to the database.

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
from django.db.models import F, Func, QuerySet


def _count_sql(queryset: QuerySet, using: str) -> tuple[str, tuple]:
    # COUNT as a plain function, not an aggregate: the subquery then has no GROUP BY and yields one
    # row, whatever the queryset's ordering or related selections (both dropped here).
    counted = queryset.order_by().select_related(None).annotate(_count=Func(F("pk"), function="COUNT")).values("_count")
    return counted.query.get_compiler(using=using).as_sql()


def count_all(querysets: dict[str, QuerySet], *, using: str = "default") -> dict[str, int]:
    """``{name: queryset.count()}`` for every queryset, in a single query (none when empty)."""
    if not querysets:
        return {}
    connection = connections[using]
    quote = connection.ops.quote_name
    counts = dict.fromkeys(querysets, 0)
    columns, names, params = [], [], []
    for name, queryset in querysets.items():
        try:
            sql, sql_params = _count_sql(queryset, using)
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
