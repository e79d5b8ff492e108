"""The phone and accessibility sweep of every page (test_every_page_on_a_phone.py) in Simplified Chinese: its own
file, so pytest-xdist (--dist loadfile) runs it beside the English sweep instead of after it."""

import pytest

from tests.e2e.test_every_page_on_a_phone import PERSONAS, sweep

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("persona", sorted(PERSONAS))
def test_every_page_fits_a_phone_screen_in_chinese_and_has_no_serious_accessibility_violation(
    persona, browser, live_server
):
    sweep(persona, "zh-hans", browser, live_server)
