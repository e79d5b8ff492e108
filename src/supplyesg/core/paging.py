"""One page of a JSON list, `{"count", "limit", "offset", "items"}`, read the same way by every list API; and the
links of one paginated list on a page that shows several (`page_of`); a page's Paginator page read the same way
(`keyed_page`).

The page's primary keys are read first and then only those rows: a page far down a list otherwise read every
skipped row in full (offset 99,950 of 100,000 suppliers: 121 ms on PostgreSQL, bench/supplier_list.py). A page in
the second half of a list ordered down to the primary key is read from the end, in the reverse order: a database
skips the rows before an offset one by one (99,950 index entries, 13 ms on PostgreSQL), so the last page skips none.
That needs a total order, hence the primary key last; any other order is read forwards. The first page too is
read as keys, then rows: sorted whole, wide rows (a response's scores) cost SQLite 1.2 s for the first page of
73,000 questionnaire responses, against 38 ms for their keys (bench/every_page.py at 100,000 suppliers)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.paginator import Page, Paginator


def page(queryset, *, limit: int, offset: int, count: int | None = None, item: Callable | None = None) -> dict:
    """One page of `queryset`, in its order, the rows with its select_related and prefetch_related. `count` is
    `queryset.count()` unless the caller has it cheaper (the suppliers' tally); it must be exactly that figure, as a
    page from the end is found by it. `item` turns each row into what the API returns."""
    total = queryset.count() if count is None else count
    keys = page_keys(queryset, limit=limit, offset=offset, count=total)
    rows = {row.pk: row for row in queryset.filter(pk__in=keys).order_by()} if keys else {}
    found = [rows[pk] for pk in keys if pk in rows]
    return {"count": total, "limit": limit, "offset": offset, "items": [item(r) for r in found] if item else found}


def page_keys(queryset, *, limit: int, offset: int, count: int) -> list:
    """The primary keys of rows offset..offset+limit-1 of `queryset`, in its order."""
    start, stop = offset, min(offset + limit, count)
    if start >= stop or start <= count // 2 or not ends_with_the_primary_key(queryset):
        return list(queryset.values_list("pk", flat=True)[offset : offset + limit])
    # rows start..stop-1 of the order are rows count-stop..count-start-1 of the reverse order
    backwards = list(queryset.reverse().values_list("pk", flat=True)[count - stop : count - start])
    return backwards[::-1]


def keyed_page(queryset, page_number, *, per_page: int, rows: Callable | None = None, count: int | None = None) -> Page:
    """Page `page_number` of a Paginator over `queryset`, read as `page` reads one: the page's primary keys in the
    queryset's order first, then only those rows, `rows(keys)` (the page's own select_related and annotations; by
    default the queryset's rows of those keys). `count`: the number of rows, when the caller has it cheaper."""
    paginator = Paginator(queryset.values_list("pk", flat=True), per_page)
    if count is not None:
        paginator.count = count  # a cached property: Paginator then asks the database nothing more
    result = paginator.get_page(page_number)
    keys = list(result.object_list)
    found = {row.pk: row for row in (rows(keys) if rows else queryset.filter(pk__in=keys).order_by())} if keys else {}
    result.object_list = [found[pk] for pk in keys if pk in found]
    return result


def ends_with_the_primary_key(queryset) -> bool:
    """The queryset's order (its own, or the model's default) ends with the primary key, so it is a total order and
    the reverse order is exactly its inverse. DISTINCT ON and extra() orders are not looked into."""
    query = queryset.query
    if query.extra_order_by or query.distinct_fields:
        return False
    ordering = query.order_by or (query.get_meta().ordering if query.default_ordering else ())
    if not ordering or not isinstance(ordering[-1], str):
        return False
    return ordering[-1].lstrip("-") in ("pk", query.get_meta().pk.attname)


def page_of(request, items, *, param: str, per_page: int, anchor: str = "") -> Page:
    """Page `request.GET[param]` of `items` (a queryset in a total order, or a list), for a page that lists several
    things one after another: each list has its own parameter, and its links keep the other lists' pages (and any
    filter) as they are. The page gets `previous_url`/`next_url` (None at either end), which `core/_pager.html`
    shows, ending in `#anchor` so the browser comes back to the list."""
    page = Paginator(items, per_page).get_page(request.GET.get(param))
    suffix = f"#{anchor}" if anchor else ""

    def link(number: int) -> str:
        query = request.GET.copy()
        query[param] = str(number)
        return f"?{query.urlencode()}{suffix}"

    page.previous_url = link(page.previous_page_number()) if page.has_previous() else None
    page.next_url = link(page.next_page_number()) if page.has_next() else None
    return page
