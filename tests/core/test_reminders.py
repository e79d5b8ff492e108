from datetime import date

import pytest

from supplyesg.core.campaigns.reminders import reminder_due

DUE = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("on", "last", "before", "after", "expected"),
    [
        (date(2026, 6, 1), None, 14, 7, None),  # the window before the due date is not open yet
        (date(2026, 6, 16), None, 14, 7, "before"),  # it opens 14 days before
        (date(2026, 6, 20), date(2026, 6, 16), 14, 7, None),  # once per window
        (date(2026, 6, 16), None, 0, 7, None),  # 0 switches the early reminder off
        (date(2026, 7, 1), date(2026, 6, 16), 14, 7, "overdue"),  # the first day overdue
        (date(2026, 7, 5), date(2026, 7, 1), 14, 7, None),  # then every 7 days
        (date(2026, 7, 8), date(2026, 7, 1), 14, 7, "overdue"),
        (date(2026, 7, 8), None, 14, 0, None),  # 0 switches the overdue reminders off
        (date(2026, 7, 8), date(2026, 7, 8), 14, 7, None),  # never twice on one day
    ],
)
def test_reminders_follow_the_campaign_settings(on, last, before, after, expected):
    assert reminder_due(on=on, due_date=DUE, days_before=before, every_days_after=after, last=last) == expected
