"""When a campaign reminds a supplier: one rule for CMRT requests and questionnaires. No database."""

from datetime import date, timedelta


def reminder_due(*, on: date, due_date: date, days_before: int, every_days_after: int, last: date | None) -> str | None:
    """'before' once when the window before the due date opens, 'overdue' every N days after it; at most once a
    day. `last` is the day of the last reminder (or request). 0 days switches that reminder off."""
    if last == on:
        return None
    if on <= due_date:
        if not days_before:
            return None
        window = due_date - timedelta(days=days_before)
        return "before" if on >= window and (last is None or last < window) else None
    if not every_days_after:
        return None
    if last is None or last <= due_date or (on - last).days >= every_days_after:
        return "overdue"
    return None
