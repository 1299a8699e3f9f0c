"""API paging held to its schema (issue 13): ``page`` is a positive integer. DRF would read an
empty or repeated ``page`` as the first page and "last" as the last, which the schema does not say."""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from .web import MAX_ID, CachedCountPaginator, id_from_text


class Pagination(PageNumberPagination):
    last_page_strings = ()
    # A view whose list changes only through domain events concerning the user's unit sets this
    # (core.registry.unit_cache_key) before paginating, and its count is kept as the navigation's is.
    count_key: str | None = None

    @property
    def django_paginator_class(self):
        return partial(CachedCountPaginator, count_key=self.count_key)

    def get_page_number(self, request, paginator):
        values = request.query_params.getlist(self.page_query_param)
        if not values:
            return 1
        number = id_from_text(values[0]) if len(values) == 1 else None
        if number is None:
            raise ValidationError({self.page_query_param: [_("Give the page as a number from 1.")]})
        return number

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        return parameters
