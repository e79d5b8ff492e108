"""Questionnaires in the supplier portal and the supplier's API: own responses only, drafts, evidence,
conditional questions, submission, reviewer comments, scores (when the policy allows), offline workbook."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.formats import date_format

from supplyesg.assessments import questionnaires
from supplyesg.assessments.models import QuestionnaireCampaign, Response
from supplyesg.core.models import AuditEvent, PolicySettings
from tests.assessments.factories_assessments import (
    GOOD_ANSWERS,
    api_url,
    make_campaign,
    make_response,
    make_template,
    urlpatterns_with_assessments,
)
from tests.factories import PDF_BYTES

urlpatterns = urlpatterns_with_assessments()
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
S = Response.Status


@pytest.fixture
def template():
    return make_template()


@pytest.fixture
def response_a(supplier_a, template):
    return make_response(supplier_a, make_campaign(template, name="ESG self-assessment 2026"))


def fill_url(response):
    return reverse("assessments_portal:fill", args=[response.pk])


def form_data(answers, action="save", present=None):
    """A fill-form POST: `a-<code>` values and the `q` list of questions on the page."""
    data = {"q": list(present if present is not None else answers), "action": action}
    for code, value in answers.items():
        data[f"a-{code}"] = value
    return data


def portal_urls(response):
    return [
        reverse("assessments_portal:responses"),
        fill_url(response),
        reverse("assessments_portal:section", args=[response.pk, "LAB"]),
        reverse("assessments_portal:workbook", args=[response.pk]),
    ]


# ---------------------------------------------------------------- who may see what


def test_anonymous_visitors_are_sent_to_log_in(client_for, response_a):
    for url in portal_urls(response_a):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_internal_users_have_no_portal(client_for, compliance, response_a):
    for url in portal_urls(response_a):
        assert client_for(compliance).get(url).status_code == 404, url
    assert client_for(compliance).post(fill_url(response_a), form_data({"MS-1": "yes"})).status_code == 404


def test_supplier_b_never_sees_or_changes_supplier_a_questionnaire(
    client_for, supplier_a_user, supplier_b_user, response_a
):
    questionnaires.save_draft(
        response_a, {}, {"MS-7": SimpleUploadedFile("p.pdf", PDF_BYTES)}, actor=supplier_a_user
    )
    answer = response_a.answers.get()
    client = client_for(supplier_b_user)
    assert (
        "ESG self-assessment 2026" not in client.get(reverse("assessments_portal:responses")).content.decode()
    )
    for url in portal_urls(response_a)[1:] + [
        reverse("assessments_portal:evidence", args=[response_a.pk, answer.pk])
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(fill_url(response_a), form_data({"MS-1": "yes"})).status_code == 404
    upload = SimpleUploadedFile("q.xlsx", b"PK")
    assert (
        client.post(reverse("assessments_portal:upload", args=[response_a.pk]), {"file": upload}).status_code
        == 404
    )
    assert not response_a.answers.filter(question__code="MS-1").exists()


def test_the_list_shows_own_questionnaires_of_opened_campaigns_with_due_dates(
    client_for, supplier_a_user, response_a, template
):
    make_response(
        supplier_a_user.supplier,
        make_campaign(template, name="Not yet sent", status=QuestionnaireCampaign.Status.DRAFT),
    )
    QuestionnaireCampaign.objects.filter(pk=response_a.campaign_id).update(
        due_date=dt.date.today() - dt.timedelta(days=2)
    )
    page = client_for(supplier_a_user).get(reverse("assessments_portal:responses")).content.decode()
    assert "ESG self-assessment 2026" in page and "Not yet sent" not in page
    assert "overdue by 2 days" in page


# ---------------------------------------------------------------- the fill page


def test_the_fill_page_has_an_input_for_every_kind_of_question_with_help(
    client_for, supplier_a_user, response_a
):
    page = client_for(supplier_a_user).get(fill_url(response_a)).content.decode()
    assert 'type="radio" name="a-MS-1" value="yes"' in page
    assert 'type="radio" name="a-MS-2" value="iso14001"' in page
    assert 'type="checkbox" name="a-MS-3" value="discharge"' in page
    assert 'inputmode="decimal" id="a-MS-4"' in page and "MWh" in page
    assert 'type="date" id="a-MS-6"' in page
    assert '<textarea id="a-LAB-3"' in page
    assert 'type="file" id="a-MS-7" name="f-MS-7"' in page
    assert 'name="f-MS-1"' in page  # evidence may be attached to any answer
    assert "A policy signed by top management." in page
    assert 'name="viewport"' in page and 'id="download-workbook"' in page


def test_the_fill_page_speaks_chinese(client_for, supplier_a_user, response_a):
    client = client_for(supplier_a_user)
    page = client.get(fill_url(response_a), headers={"accept-language": "zh-hans"}).content.decode()
    assert (
        "贵公司是否有书面的行为准则？" in page
        and "由最高管理层签署的政策。" in page
        and "仅 ISO 9001" in page
    )


def test_a_conditional_question_is_shown_only_without_javascript_until_its_condition_holds(
    client_for, supplier_a_user, response_a
):
    client = client_for(supplier_a_user)
    page = client.get(fill_url(response_a)).content.decode()
    before = page[: page.index('id="question-LAB-2"')]
    assert before.rindex("<noscript>") > before.rindex("</noscript>")  # inside a <noscript>
    assert (
        "Answer only if the answer to LAB-1 “Was child labour found in the last three years?” is Yes." in page
    )
    assert 'hx-get="' + reverse("assessments_portal:section", args=[response_a.pk, "LAB"]) in page
    fragment = client.get(
        reverse("assessments_portal:section", args=[response_a.pk, "LAB"]),
        {"q": ["LAB-1", "LAB-3"], "a-LAB-1": "yes"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert 'id="section-LAB"' in fragment and "<html" not in fragment
    assert "<noscript>" not in fragment and 'id="question-LAB-2"' in fragment
    assert 'value="yes" checked' in fragment  # the typed answer is kept
    assert not response_a.answers.exists()  # nothing saved by a re-render


def test_saving_a_draft_stores_the_answers_and_comes_back_to_the_page(
    client_for, supplier_a_user, response_a
):
    client = client_for(supplier_a_user)
    response = client.post(
        fill_url(response_a), form_data({"MS-1": "yes", "MS-3": ["discharge", "hazwaste"], "MS-4": "1,200"})
    )
    assert response.status_code == 302 and response["Location"] == fill_url(response_a)
    assert questionnaires.answer_values(response_a) == {
        "MS-1": "yes",
        "MS-3": ["discharge", "hazwaste"],
        "MS-4": 1200,
    }
    page = client.get(fill_url(response_a)).content.decode()
    assert 'value="yes" checked' in page and 'value="1200"' in page and "Draft saved." in page
    assert AuditEvent.objects.filter(action="questionnaire_response.saved", actor=supplier_a_user).exists()


def test_a_question_not_on_the_page_is_not_cleared_by_a_save(client_for, supplier_a_user, response_a):
    questionnaires.save_draft(response_a, {"MS-4": "800"}, actor=supplier_a_user)
    client_for(supplier_a_user).post(fill_url(response_a), form_data({"MS-1": "yes"}))
    assert questionnaires.answer_values(response_a) == {"MS-1": "yes", "MS-4": 800}


def test_a_bad_answer_is_shown_beside_its_question_and_the_others_are_saved(
    client_for, supplier_a_user, response_a
):
    questionnaires.save_draft(response_a, {"MS-5": "30"}, actor=supplier_a_user)
    response = client_for(supplier_a_user).post(
        fill_url(response_a), form_data({"MS-1": "no", "MS-5": "130 %", "MS-4": "twelve"})
    )
    assert response.status_code == 400
    page = response.content.decode()
    ms4 = page.split('id="question-MS-4"')[1].split('id="question-MS-5"')[0]
    ms5 = page.split('id="question-MS-5"')[1].split('class="field question')[0]
    assert "Enter a number" in ms4
    assert "Enter a percentage between 0 and 100." in ms5
    assert '<a href="#question-MS-4">MS-4 Annual electricity use</a>' in page  # and listed above the form
    assert 'value="twelve"' in page  # what was typed is shown again
    assert questionnaires.answer_values(response_a) == {"MS-1": "no", "MS-5": 30}


def test_evidence_is_uploaded_with_an_answer_and_downloaded_by_its_supplier(
    client_for, supplier_a_user, response_a
):
    client = client_for(supplier_a_user)
    data = form_data({"MS-1": "yes"}, present=["MS-1", "MS-7"])
    data["f-MS-1"] = SimpleUploadedFile("code-of-conduct.pdf", PDF_BYTES)
    data["f-MS-7"] = SimpleUploadedFile("env-policy.pdf", PDF_BYTES)
    assert client.post(fill_url(response_a), data).status_code == 302
    answer = response_a.answers.get(question__code="MS-1")
    assert answer.value == "yes" and answer.evidence_name == "code-of-conduct.pdf"
    download = client.get(reverse("assessments_portal:evidence", args=[response_a.pk, answer.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF_BYTES
    assert response_a.answers.get(question__code="MS-7").value == "env-policy.pdf"


def test_a_fake_evidence_file_is_refused_naming_the_question(client_for, supplier_a_user, response_a):
    data = form_data({"MS-1": "yes"})
    data["f-MS-1"] = SimpleUploadedFile("scan.pdf", b"MZ not a pdf")
    response = client_for(supplier_a_user).post(fill_url(response_a), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#question-MS-1">MS-1 Do you have a written code of conduct?</a>:' in page
    assert 'id="error-MS-1"' in page.split('id="question-MS-1"')[1].split('class="field question')[0]
    answer = response_a.answers.get(question__code="MS-1")
    assert answer.value == "yes" and not answer.evidence


def test_submitting_with_missing_answers_names_each_question_and_keeps_the_draft(
    client_for, supplier_a_user, response_a
):
    response = client_for(supplier_a_user).post(
        fill_url(response_a), form_data({"MS-1": "yes"}, action="submit")
    )
    assert response.status_code == 400
    page = response.content.decode()
    ms2 = page.split('id="question-MS-2"')[1].split('class="field question')[0]
    assert "Answer this question." in ms2
    assert '<a href="#question-MS-2">MS-2 Which management system is certified?</a>: Answer this question.' in page
    response_a.refresh_from_db()
    assert response_a.status == S.DRAFT and questionnaires.answer_values(response_a) == {"MS-1": "yes"}


def test_submitting_a_complete_questionnaire_makes_it_read_only(client_for, supplier_a_user, response_a):
    client = client_for(supplier_a_user)
    response = client.post(fill_url(response_a), form_data(GOOD_ANSWERS, action="submit"))
    assert response.status_code == 302
    response_a.refresh_from_db()
    assert response_a.status == S.SUBMITTED
    page = client.get(fill_url(response_a)).content.decode()
    assert 'id="answers-form"' not in page and "Your answers are with the reviewer." in page
    again = client.post(fill_url(response_a), form_data({"MS-1": "no"}))
    assert again.status_code == 400 and "cannot be changed now" in again.content.decode()
    assert questionnaires.answer_values(response_a)["MS-1"] == "yes"


def test_returned_answers_show_the_reviewer_comment_beside_them(
    client_for, supplier_a_user, compliance, response_a
):
    questionnaires.save_draft(response_a, GOOD_ANSWERS, actor=supplier_a_user)
    questionnaires.submit_response(response_a, actor=supplier_a_user)
    questionnaires.return_response(response_a, actor=compliance, comments={"MS-4": "Give the 2025 figure."})
    page = client_for(supplier_a_user).get(fill_url(response_a)).content.decode()
    assert 'id="returned"' in page
    question = page.split('id="question-MS-4"')[1].split('id="question-MS-5"')[0]
    assert "needs work" in question and "Give the 2025 figure." in question


def test_scores_are_shown_to_the_supplier_only_when_the_policy_says_so(
    client_for, supplier_a_user, response_a
):
    questionnaires.save_draft(response_a, GOOD_ANSWERS, actor=supplier_a_user)
    questionnaires.submit_response(response_a, actor=supplier_a_user)
    client = client_for(supplier_a_user)
    assert 'id="scores"' not in client.get(fill_url(response_a)).content.decode()
    PolicySettings.objects.filter(pk=PolicySettings.current().pk).update(show_scores_to_suppliers=True)
    page = client.get(fill_url(response_a)).content.decode()
    assert 'id="scores"' in page and "How the scores were worked out" in page


def test_the_workbook_round_trip_in_the_portal(client_for, supplier_a_user, response_a):
    from tests.assessments.test_offline import workbook_with

    client = client_for(supplier_a_user)
    download = client.get(reverse("assessments_portal:workbook", args=[response_a.pk]))
    assert download.status_code == 200 and download.content.startswith(b"PK")
    data = workbook_with(response_a, {"MS-1": "yes", "MS-5": "half"})
    response = client.post(
        reverse("assessments_portal:upload", args=[response_a.pk]),
        {"file": SimpleUploadedFile("q.xlsx", data)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert (
        "Answers!E6: MS-5 Share of waste recycled:" in page
        and "1 answer(s) from the workbook were saved" in page
    )
    assert questionnaires.answer_values(response_a) == {"MS-1": "yes"}


def test_a_foreign_workbook_is_refused_naming_the_cell(client_for, supplier_a_user, response_a):
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Answers"
    workbook.active.append(["Code", "Question"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = client_for(supplier_a_user).post(
        reverse("assessments_portal:upload", args=[response_a.pk]),
        {"file": SimpleUploadedFile("mine.xlsx", buffer.getvalue())},
    )
    assert response.status_code == 400 and "Answers!A1:" in response.content.decode()
    assert not response_a.answers.exists()


# ---------------------------------------------------------------- API (supplier)


def test_a_supplier_lists_and_reads_its_own_responses_through_the_api(
    client_for, supplier_a_user, supplier_b_user, response_a
):
    client = client_for(supplier_a_user)
    listing = client.get(api_url("assessments_responses")).json()
    assert [item["id"] for item in listing["items"]] == [response_a.pk]
    body = client.get(api_url("assessments_response", response_a.pk)).json()
    assert body["status"] == "not_started" and len(body["answers"]) == 10 and body["scores"] is None
    assert client_for(supplier_b_user).get(api_url("assessments_response", response_a.pk)).status_code == 404
    assert client_for(supplier_b_user).get(api_url("assessments_responses")).json()["count"] == 0


def test_a_supplier_saves_answers_through_the_api_and_bad_ones_are_named(
    client_for, supplier_a_user, response_a
):
    client = client_for(supplier_a_user)
    response = client.post(
        api_url("assessments_answer", response_a.pk),
        {"answers": {"MS-1": True, "MS-4": "lots", "MS-5": 45}},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["saved"] == ["MS-1", "MS-5"]
    assert body["errors"] == [
        {"field": "MS-4", "message": "MS-4 Annual electricity use: Enter a number, for example 1250 or 12.5."}
    ]
    assert questionnaires.answer_values(response_a) == {"MS-1": "yes", "MS-5": 45}


def test_a_supplier_submits_through_the_api(client_for, supplier_a_user, response_a):
    client = client_for(supplier_a_user)
    missing = client.post(
        api_url("assessments_answer", response_a.pk),
        {"answers": {"MS-1": "yes"}, "submit": True},
        content_type="application/json",
    )
    assert missing.status_code == 409 and any("MS-2" in e["message"] for e in missing.json()["errors"])
    done = client.post(
        api_url("assessments_answer", response_a.pk),
        {"answers": GOOD_ANSWERS, "submit": True},
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "submitted"


def test_supplier_b_cannot_answer_supplier_a_through_the_api(client_for, supplier_b_user, response_a):
    response = client_for(supplier_b_user).post(
        api_url("assessments_answer", response_a.pk),
        {"answers": {"MS-1": "yes"}},
        content_type="application/json",
    )
    assert response.status_code == 404 and not response_a.answers.exists()


def test_without_javascript_a_conditional_answer_given_with_its_condition_is_saved(
    client_for, supplier_a_user, response_a
):
    data = form_data({"LAB-1": "yes", "LAB-2": "Sent back to school; wages paid."})
    assert client_for(supplier_a_user).post(fill_url(response_a), data).status_code == 302
    assert questionnaires.answer_values(response_a) == {
        "LAB-1": "yes",
        "LAB-2": "Sent back to school; wages paid.",
    }


def test_the_portal_home_lists_questionnaires_to_fill_in(rf, supplier_a_user, response_a, compliance):
    from supplyesg.assessments.views.portal import portal_section

    request = rf.get("/portal/")
    request.user = supplier_a_user
    section = portal_section(request, supplier_a_user.supplier)
    assert section.key == "assessments" and section.url == reverse("assessments_portal:responses")
    due = date_format(response_a.campaign.due_date, "DATE_FORMAT")
    wanted = f"ESG self-assessment 2026: please fill in and submit the questionnaire by {due}."
    assert section.todo == [wanted]
    questionnaires.save_draft(response_a, GOOD_ANSWERS, actor=supplier_a_user)
    questionnaires.submit_response(response_a, actor=supplier_a_user)
    assert portal_section(request, supplier_a_user.supplier).todo == []
    questionnaires.return_response(response_a, actor=compliance, comments={"MS-1": "Attach the policy."})
    assert portal_section(request, supplier_a_user.supplier).todo == [
        "ESG self-assessment 2026: your answers were returned for correction."
    ]
