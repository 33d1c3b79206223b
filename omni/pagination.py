"""API pagination: page numbers, with the total counted inside the page's own query.

Django's paginator runs ``COUNT(*)`` and then the page: two round trips for every list.
``WindowCountPaginator`` reads the total from a ``COUNT(*) OVER ()`` column of the page's
rows instead, and counts separately only when the page is empty (past the end) or the
query cannot carry a window (DISTINCT, UNION, a plain list).
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from rest_framework import pagination

TOTAL = "_page_total"
# Past this row nothing is listed: a page number beyond it is simply past the end (and
# would overflow the database's OFFSET).
MAX_OFFSET = 2**31 - 1


class WindowCountPaginator(Paginator):
    def page(self, number):
        queryset = self.object_list
        if not isinstance(queryset, QuerySet) or queryset.query.distinct or queryset.query.combinator:
            return super().page(number)
        number = self._page_number(number)
        bottom = (number - 1) * self.per_page
        if bottom > MAX_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        rows = list(queryset.annotate(**{TOTAL: Window(Count("pk"))})[bottom : bottom + self.per_page])
        if rows:
            self.__dict__["count"] = getattr(rows[0], TOTAL)  # fills the cached_property
        elif number > 1 or not self.allow_empty_first_page:
            raise EmptyPage(self.error_messages["no_results"])
        else:
            self.__dict__["count"] = 0
        return Page(rows, number, self)

    def _page_number(self, number) -> int:
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number


class PageNumberPagination(pagination.PageNumberPagination):
    django_paginator_class = WindowCountPaginator
    page_size_query_param = "page_size"
    max_page_size = 200
