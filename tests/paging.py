"""What every list API's deep pages must be: the list read forwards in full, sliced (core.paging reads a page past
the middle from the end, in the reverse order)."""


def assert_deep_pages_are_the_forward_pages(client, url: str, *, total: int) -> None:
    """Pages in the second half of the list at `url` (the last row, a page across the end, an empty page just past
    it) hold exactly the items, in the order, of the full list sliced; `url` may carry its own filters."""
    joiner = "&" if "?" in url else "?"
    everything = client.get(f"{url}{joiner}limit=500").json()
    assert everything["count"] == total == len(everything["items"]), everything
    items = everything["items"]
    for limit, offset in ((1, total - 1), (3, total // 2 + 1), (4, total - 2), (2, total)):
        body = client.get(f"{url}{joiner}limit={limit}&offset={offset}").json()
        assert body["items"] == items[offset : offset + limit], (limit, offset)
        assert (body["count"], body["limit"], body["offset"]) == (total, limit, offset)
