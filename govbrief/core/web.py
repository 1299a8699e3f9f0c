"""Helpers shared by the server-rendered views: run a service and turn its errors into messages."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .registry import cached_figures


def error_messages(exc: Exception) -> list[str]:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return [m for errors in exc.message_dict.values() for m in errors]
        return list(exc.messages)
    return [str(getattr(exc, "message", "") or exc)]


def run_service(request, fn, /, *, success: str | None = None, form=None, **kwargs):
    """Call a service; on a domain error show it (on the form's fields where they match) and
    return None, so the page re-renders with nothing lost."""
    try:
        result = fn(**kwargs)
    except ValidationError as exc:
        if form is not None and hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            for message in error_messages(exc):
                messages.error(request, message)
        return None
    except PermissionDenied as exc:
        for message in error_messages(exc):
            messages.error(request, message)
        return None
    if success:
        messages.success(request, success)
    return result if result is not None else True


class CachedCountPaginator(Paginator):
    """A paginator whose count is kept under ``count_key`` when the view gives one
    (core.registry.unit_cache_key: for a list whose every change is a domain event of the unit)."""

    def __init__(self, *args, count_key: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        return cached_figures(self.count_key, self.count_rows)

    def count_rows(self) -> int:
        return Paginator.count.func(self)


class BoundedPaginator(CachedCountPaginator):
    """A paginator that counts at most ``COUNT_LIMIT`` rows and then says "more than 2000": an exact
    count of an office's ten years would cost more the longer the office has worked, on every page
    view (issue 14: counting to 10,000 was what still made a provincial inbox slower than a county's),
    while nobody pages through 80 pages (the queues and filters narrow it). Pages up to the limit
    work as usual."""

    COUNT_LIMIT = 2_000

    def count_rows(self) -> int:
        if not hasattr(self.object_list, "query"):
            return super().count_rows()
        # COUNT over a LIMITed subquery of bare ids: the database stops after COUNT_LIMIT + 1 rows and
        # evaluates none of the list's annotations (a sliced count keeps whatever it selects).
        return self.object_list.order_by().values("pk")[: self.COUNT_LIMIT + 1].count()

    @property
    def count_is_exact(self) -> bool:
        return self.count <= self.COUNT_LIMIT

    @property
    def count_label(self) -> str:
        return str(self.count) if self.count_is_exact else f"{self.COUNT_LIMIT}+"


def paginate(request, queryset, per_page: int = 25, *, count_key: str | None = None):
    paginator = BoundedPaginator(queryset, per_page, count_key=count_key)
    return paginator.get_page(request.GET.get("page"))


MAX_ID = 2**63 - 1


def id_from_text(value: str | None) -> int | None:
    """An object id written as text: ASCII digits (Python's int() reads any script's digits, so
    "٣٨" would be 38) for a positive number the database can hold; anything else is None."""
    value = (value or "").strip()
    if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    return None


def written_in_ascii(value) -> bool:
    """A number sent as text must be written in ASCII (see id_from_text); signs and range are the
    number field's own checks."""
    return isinstance(value, str) and value.strip().isascii()


def parse_ids(values) -> list[int]:
    """Row ids from a form, ignoring anything that is not a plain positive number in range."""
    return [pk for pk in map(id_from_text, values) if pk is not None]


def role_required(*roles: str):
    """A page for the people of a unit who hold one of ``roles``: anyone else logged in gets 403
    (the pages of a role are not offered with buttons that then refuse)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if user.unit_id is None or not user.has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
