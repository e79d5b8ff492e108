"""A signed-in session ends after SESSION_IDLE_MINUTES without a request, on the server, whatever the browser does;
pages carry what the warning script needs; asking how long is left is not activity."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock(time_machine):
    time_machine.move_to(START, tick=False)
    return time_machine


@pytest.fixture
def signed_in(clock, compliance, client_for):
    client = client_for(compliance)
    assert client.get(reverse("core:home")).status_code == 200  # logging in started the idle clock
    return client


def after(clock, **delta):
    clock.move_to(START + dt.timedelta(**delta), tick=False)


def test_a_request_before_the_idle_time_is_answered(signed_in, clock, settings):
    after(clock, minutes=settings.SESSION_IDLE_MINUTES - 1)

    page = signed_in.get(reverse("suppliers:list"))

    assert page.status_code == 200


def test_a_request_after_the_idle_time_goes_to_log_in_and_back(signed_in, clock, settings):
    after(clock, minutes=settings.SESSION_IDLE_MINUTES, seconds=1)

    page = signed_in.get(reverse("suppliers:list") + "?q=alpha")

    assert page.status_code == 302
    assert page["Location"].startswith(reverse("core:login"))
    assert "next=/suppliers/%3Fq%3Dalpha" in page["Location"]
    login = signed_in.get(page["Location"])
    assert "signed out after 30 minutes without activity" in login.content.decode()
    assert signed_in.get(reverse("core:home")).status_code == 302  # it stays ended


def test_activity_keeps_the_session_going_past_the_idle_time(signed_in, clock, settings):
    idle = settings.SESSION_IDLE_MINUTES
    for step in range(1, 4):
        after(clock, minutes=step * (idle - 1))
        assert signed_in.get(reverse("core:home")).status_code == 200, step


def test_the_idle_time_comes_from_the_setting(signed_in, clock, settings):
    settings.SESSION_IDLE_MINUTES = 5
    after(clock, minutes=6)

    assert signed_in.get(reverse("core:home")).status_code == 302


def test_a_form_posted_after_the_idle_time_changes_nothing_and_returns_to_its_page(signed_in, clock, compliance):
    from supplyesg.core.models import User

    after(clock, hours=2)

    response = signed_in.post(
        reverse("core:account"), {"lang-language": "zh-hans"}, headers={"referer": "http://testserver/accounts/account/"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))
    assert "next=/accounts/account/" in response["Location"]
    assert User.objects.get(pk=compliance.pk).language != "zh-hans"


def test_an_htmx_request_after_the_idle_time_is_told_401(signed_in, clock):
    after(clock, hours=1)

    response = signed_in.get(reverse("core:header_counts"), headers={"hx-request": "true"})

    assert response.status_code == 401


def test_the_chinese_user_is_signed_out_in_chinese(signed_in, clock):
    signed_in.post(reverse("core:set_language"), {"language": "zh-hans", "next": "/"})
    after(clock, hours=1)

    login = signed_in.get(reverse("core:home"), follow=True)

    assert login.headers["Content-Language"] == "zh-hans"
    with translation.override("zh-hans"):
        expected = translation.ngettext(
            "You were signed out after %(minutes)s minute without activity. Log in again to continue.",
            "You were signed out after %(minutes)s minutes without activity. Log in again to continue.",
            30,
        ) % {"minutes": 30}
    assert expected in login.content.decode()


def test_asking_how_long_is_left_is_not_activity(signed_in, clock, settings):
    idle = settings.SESSION_IDLE_MINUTES * 60
    after(clock, minutes=10)

    status = signed_in.get(reverse("core:session_status")).json()

    assert status == {"signed_in": True, "seconds_left": idle - 600}
    after(clock, minutes=settings.SESSION_IDLE_MINUTES, seconds=1)
    assert signed_in.get(reverse("core:session_status")).json() == {"signed_in": False, "seconds_left": 0}


def test_staying_signed_in_starts_a_fresh_idle_period(signed_in, clock, settings):
    idle = settings.SESSION_IDLE_MINUTES
    after(clock, minutes=idle - 2)

    status = signed_in.post(reverse("core:session_status")).json()

    assert status == {"signed_in": True, "seconds_left": idle * 60}
    after(clock, minutes=2 * idle - 3)
    assert signed_in.get(reverse("core:home")).status_code == 200


def test_a_visitor_without_a_session_is_told_so(client):
    assert client.get(reverse("core:session_status")).json() == {"signed_in": False, "seconds_left": 0}


def test_every_page_carries_the_time_left_and_the_warning_script(signed_in, clock, settings):
    after(clock, minutes=5)

    page = signed_in.get(reverse("core:home"))

    assert page["X-Session-Seconds-Left"] == str(settings.SESSION_IDLE_MINUTES * 60)
    html = page.content.decode()
    assert "core/session.js" in html and f'data-warn-seconds="{settings.SESSION_WARNING_MINUTES * 60}"' in html
    assert "core/drafts.js" in html


def test_a_warning_as_long_as_the_idle_time_is_refused(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import supplyesg.settings as project_settings

    monkeypatch.setenv("SESSION_IDLE_MINUTES", "5")
    monkeypatch.setenv("SESSION_WARNING_MINUTES", "5")
    with pytest.raises(ImproperlyConfigured, match="SESSION_WARNING_MINUTES"):
        importlib.reload(project_settings)
    monkeypatch.undo()
    importlib.reload(project_settings)


def test_the_idle_clock_starts_at_log_in_not_at_the_first_page(clock, compliance, client, settings):
    client.post(reverse("core:login"), {"username": compliance.username, "password": "pw-Secret-123"})
    after(clock, minutes=settings.SESSION_IDLE_MINUTES, seconds=1)

    assert client.get(reverse("core:home")).status_code == 302
