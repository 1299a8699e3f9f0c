"""Official holiday arrangements published by the General Office of the State Council
(国务院办公厅关于部分节假日安排的通知), as (date, is_workday, name) exceptions to Monday–Friday."""

import datetime as dt


def _span(start: str, end: str, name: str):
    first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    while first <= last:
        yield first, False, name
        first += dt.timedelta(days=1)


def _work(day: str, name: str):
    yield dt.date.fromisoformat(day), True, name


def official_days():
    # 2025 (国办发明电〔2024〕12号)
    yield from _span("2025-01-01", "2025-01-01", "元旦")
    yield from _span("2025-01-28", "2025-02-04", "春节")
    yield from _work("2025-01-26", "春节调休上班")
    yield from _work("2025-02-08", "春节调休上班")
    yield from _span("2025-04-04", "2025-04-06", "清明节")
    yield from _span("2025-05-01", "2025-05-05", "劳动节")
    yield from _work("2025-04-27", "劳动节调休上班")
    yield from _span("2025-05-31", "2025-06-02", "端午节")
    yield from _span("2025-10-01", "2025-10-08", "国庆节、中秋节")
    yield from _work("2025-09-28", "国庆节调休上班")
    yield from _work("2025-10-11", "国庆节调休上班")
    # 2026 (国办发明电〔2025〕7号)
    yield from _span("2026-01-01", "2026-01-03", "元旦")
    yield from _work("2026-01-04", "元旦调休上班")
    yield from _span("2026-02-15", "2026-02-23", "春节")
    yield from _work("2026-02-14", "春节调休上班")
    yield from _work("2026-02-28", "春节调休上班")
    yield from _span("2026-04-04", "2026-04-06", "清明节")
    yield from _span("2026-05-01", "2026-05-05", "劳动节")
    yield from _work("2026-05-09", "劳动节调休上班")
    yield from _span("2026-06-19", "2026-06-21", "端午节")
    yield from _span("2026-09-25", "2026-09-27", "中秋节")
    yield from _span("2026-10-01", "2026-10-07", "国庆节")
    yield from _work("2026-09-20", "国庆节调休上班")
    yield from _work("2026-10-10", "国庆节调休上班")
