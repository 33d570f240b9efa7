"""Cursor pagination: stable under inserts and no COUNT(*) on every page (PRODUCT.md §4)."""

from rest_framework.pagination import CursorPagination


class StrongroomCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"


class OldestFirstCursorPagination(StrongroomCursorPagination):
    ordering = "id"
