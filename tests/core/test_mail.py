"""E-mails read in the recipient's language, link to their page, and wait for a daily digest when asked."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from supplyesg.core import checks
from supplyesg.core.mail import CHINESE, ENGLISH, Letter, language_for, send, send_digests
from supplyesg.core.models import MailDigest, QueuedMail, Role
from supplyesg.engagement.services import required as training
from tests.factories import make_contact, make_user

DUE = dt.date(2026, 12, 31)


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://esg.example.test"


def _assign(supplier, actor, capture):
    with capture(execute=True):
        training.assign_training(supplier, actor=actor, topic="Fire safety", due_date=DUE)


def test_a_chinese_supplier_user_reads_chinese_with_a_link_while_the_sender_works_in_english(
    site, supplier_a, supplier_a_user, compliance, django_capture_on_commit_callbacks
):
    with translation.override("en"):
        _assign(supplier_a, compliance, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == [supplier_a_user.email]
    assert message.subject == "已分配培训：Fire safety"
    assert "请于 2026-12-31 前参加培训" in message.body and "Please" not in message.body
    assert "https://esg.example.test/portal/audits/trainings/" in message.body
    assert translation.get_language() == "en"  # the sender's page stays in English


def test_each_recipient_reads_their_own_language_and_a_contact_abroad_reads_english(
    site, supplier_a, supplier_b, compliance, django_capture_on_commit_callbacks
):
    english_reader = make_user(Role.SUPPLIER, supplier=supplier_a, language="en", email="en@alpha.example")
    make_contact(supplier_b, email="esg@beta.example")  # Malaysia: English
    with translation.override("zh-hans"):
        _assign(supplier_a, compliance, django_capture_on_commit_callbacks)
        _assign(supplier_b, compliance, django_capture_on_commit_callbacks)
    by_address = {tuple(m.to): m for m in mail.outbox}
    assert by_address[(english_reader.email,)].subject == "Training assigned: Fire safety"
    assert by_address[("esg@beta.example",)].subject == "Training assigned: Fire safety"
    assert "https://esg.example.test/portal/audits/trainings/" in by_address[("esg@beta.example",)].body


def test_the_language_is_the_users_setting_then_the_suppliers_country_then_english(supplier_a, supplier_b):
    assert language_for(make_user(Role.SUPPLIER, supplier=supplier_a)) == CHINESE
    assert language_for(make_user(Role.SUPPLIER, supplier=supplier_a, language="en")) == ENGLISH
    assert language_for(make_user(Role.SUPPLIER, supplier=supplier_b)) == ENGLISH
    assert language_for(make_user(Role.COMPLIANCE, language="zh-hans")) == CHINESE
    assert language_for(make_user(Role.COMPLIANCE)) == ENGLISH
    assert language_for(None, supplier=supplier_a) == CHINESE


def _letter(to, subject="Quarterly rating computed"):
    return Letter(to, lambda: (translation.gettext(subject), "Body."), path="/ratings/")


def test_a_daily_digest_collects_the_days_mails_and_sends_them_once(site, compliance, django_capture_on_commit_callbacks):
    compliance.mail_digest = MailDigest.DAILY
    compliance.save()
    with django_capture_on_commit_callbacks(execute=True):
        send(_letter([compliance.email], "Audit report"))
        send(_letter([compliance.email], "Overdue"))
    assert mail.outbox == []
    assert QueuedMail.objects.unsent().filter(recipient=compliance).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 1
    [digest] = mail.outbox
    assert digest.to == [compliance.email]
    assert "2" in digest.subject
    assert "Audit report" in digest.body and "Overdue" in digest.body and "https://esg.example.test/ratings/" in digest.body
    with django_capture_on_commit_callbacks(execute=True):
        assert send_digests() == 0
    assert len(mail.outbox) == 1


def test_the_send_digests_command_reports_how_many_went(compliance, capsys, django_capture_on_commit_callbacks):
    compliance.mail_digest = MailDigest.DAILY
    compliance.save()
    with django_capture_on_commit_callbacks(execute=True):
        send(_letter([compliance.email]))
        call_command("send_digests")
    assert "1 digest(s) sent." in capsys.readouterr().out
    assert len(mail.outbox) == 1


def test_a_digest_reader_is_still_sent_urgent_letters_at_once(compliance, django_capture_on_commit_callbacks):
    compliance.mail_digest = MailDigest.DAILY
    compliance.save()
    letter = _letter([compliance.email])
    letter.digest = False
    with django_capture_on_commit_callbacks(execute=True):
        send(letter)
    assert len(mail.outbox) == 1 and not QueuedMail.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_and_queues_nothing():
    digest_reader = make_user(Role.COMPLIANCE, mail_digest=MailDigest.DAILY)
    other = make_user(Role.COMPLIANCE)
    with pytest.raises(RuntimeError), transaction.atomic():
        send(_letter([digest_reader.email, other.email]))
        raise RuntimeError
    assert mail.outbox == [] and not QueuedMail.objects.exists()


def test_production_without_site_url_is_warned_about(settings):
    settings.PRODUCTION, settings.SITE_URL = True, ""
    assert [w.id for w in checks.site_url_set(None)] == ["supplyesg.W020"]
    settings.SITE_URL = "https://esg.example.com"
    assert checks.site_url_set(None) == []


def test_a_user_chooses_the_daily_digest_on_the_account_page(client, compliance):
    client.force_login(compliance)
    response = client.post("/account/", {"lang-language": "", "lang-mail_digest": "daily"})
    assert response.status_code == 302
    compliance.refresh_from_db()
    assert compliance.mail_digest == MailDigest.DAILY
    assert "One digest e-mail a day" in client.get("/account/").content.decode()


def test_a_password_reset_mail_is_in_the_account_holders_language_with_the_site_link(db, client, settings):
    settings.SITE_URL = "https://esg.example.test"
    reader = make_user(Role.COMPLIANCE, language="zh-hans", email="lin@example.com")
    response = client.post("/accounts/password-reset/", {"email": reader.email})
    assert response.status_code == 302
    [message] = mail.outbox
    assert "重置" in message.body
    assert "https://esg.example.test/accounts/reset/" in message.body
