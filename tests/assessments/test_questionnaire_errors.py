"""The questionnaire form tells the supplier what to correct where it is: each error sits at its question (its
inputs point at it with aria-describedby and say aria-invalid), a summary above the form links to each such
question, and a count shows how many required questions are answered, right on every render."""

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from supplyesg.assessments import questionnaires
from tests.assessments.factories_assessments import (
    GOOD_ANSWERS,
    make_campaign,
    make_response,
    make_template,
    urlpatterns_with_assessments,
)

urlpatterns = urlpatterns_with_assessments()
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

# make_template(): required MS-1, MS-2, MS-4, MS-5, LAB-1, and LAB-2 only when LAB-1 is "yes".
REQUIRED = ["MS-1", "MS-2", "MS-4", "MS-5", "LAB-1"]


@pytest.fixture
def response_a(supplier_a):
    return make_response(supplier_a, make_campaign(make_template(), name="ESG self-assessment 2026"))


def fill_url(response):
    return reverse("assessments_portal:fill", args=[response.pk])


def post(client, response, answers, action="save"):
    data = {"q": list(answers), "action": action}
    data.update({f"a-{code}": value for code, value in answers.items()})
    return client.post(fill_url(response), data)


def question(page: str, code: str) -> str:
    """The HTML of one question's block."""
    rest = page.split(f'id="question-{code}"', 1)[1]
    return re.split(r'<div class="field question', rest, maxsplit=1)[0]


def summary(page: str) -> str:
    return page.split('id="error-summary"', 1)[1].split("</section>", 1)[0] if 'id="error-summary"' in page else ""


def test_a_bad_answer_is_marked_at_its_question_and_linked_from_the_summary(client_for, supplier_a_user, response_a):
    response = post(client_for(supplier_a_user), response_a, {"MS-1": "yes", "MS-4": "twelve"})

    assert response.status_code == 400
    page = response.content.decode()
    ms4 = question(page, "MS-4")
    assert '<ul class="errorlist" id="error-MS-4"><li>Enter a number, for example 1250 or 12.5.</li></ul>' in ms4
    field = re.search(r'<input type="text"[^>]*name="a-MS-4"[^>]*>', ms4).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="error-MS-4"' in field
    assert 'value="twelve"' in field
    assert "errorlist" not in question(page, "MS-1") and "aria-invalid" not in question(page, "MS-1")
    top = summary(page)
    assert "1 question needs your attention" in top
    assert '<a href="#question-MS-4">MS-4 Annual electricity use</a>: Enter a number' in top
    # the sentence is not repeated in the messages above the summary
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "1 answer(s) were saved. These were not; correct them and save again:"
    ]


def test_a_question_with_help_text_points_at_both_its_error_and_its_help(client_for, supplier_a_user, response_a):
    page = post(client_for(supplier_a_user), response_a, {"MS-1": "maybe"}).content.decode()

    ms1 = question(page, "MS-1")
    assert 'id="help-MS-1"' in ms1 and 'id="error-MS-1"' in ms1
    radios = re.findall(r'<input type="radio" name="a-MS-1"[^>]*>', ms1)
    assert len(radios) == 2
    for radio in radios:
        assert 'aria-invalid="true"' in radio and 'aria-describedby="error-MS-1 help-MS-1"' in radio
    assert 'aria-describedby="error-MS-1 help-MS-1"' in ms1.split("<legend>")[0]  # the fieldset too


def test_submitting_an_incomplete_questionnaire_marks_each_missing_required_question_once(
    client_for, supplier_a_user, response_a
):
    response = post(client_for(supplier_a_user), response_a, {"MS-1": "yes"}, action="submit")

    assert response.status_code == 400
    page = response.content.decode()
    missing = ["MS-2", "MS-4", "MS-5", "LAB-1"]
    for code in missing:
        assert '<li>Answer this question.</li>' in question(page, code), code
        assert f'<a href="#question-{code}">' in summary(page), code
    assert "errorlist" not in question(page, "MS-1")  # answered
    assert "errorlist" not in question(page, "MS-3")  # optional
    assert 'id="question-LAB-2"' not in page.split("<noscript>")[0]  # hidden while LAB-1 is unanswered
    assert "4 questions need your attention" in summary(page)
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your answers were saved, but the questionnaire cannot be submitted yet:"
    ]


def test_a_clean_page_has_no_summary_and_no_invalid_fields(client_for, supplier_a_user, response_a):
    page = client_for(supplier_a_user).get(fill_url(response_a)).content.decode()

    assert 'id="error-summary"' not in page
    assert "aria-invalid" not in page and "errorlist" not in page


def progress_text(page: str) -> str:
    return re.search(r'<span id="progress-text">([^<]*)</span>', page).group(1)


def test_the_progress_count_is_right_when_the_page_is_rendered(client_for, supplier_a_user, response_a):
    client = client_for(supplier_a_user)

    assert progress_text(client.get(fill_url(response_a)).content.decode()) == "0 of 5 required questions answered"
    questionnaires.save_draft(response_a, {"MS-1": "yes", "MS-3": ["discharge"], "MS-4": "800"}, actor=supplier_a_user)
    page = client.get(fill_url(response_a)).content.decode()
    assert progress_text(page) == "2 of 5 required questions answered"  # MS-3 is optional
    assert '<progress id="progress-bar" max="5" value="2"' in page
    for code in REQUIRED:
        assert 'data-required="1"' in question(page, code).split(">", 1)[0] or f'id="question-{code}"' not in page


def test_a_condition_that_shows_a_required_question_adds_it_to_the_count(client_for, supplier_a_user, response_a):
    questionnaires.save_draft(response_a, {"LAB-1": "yes"}, actor=supplier_a_user)

    page = client_for(supplier_a_user).get(fill_url(response_a)).content.decode()

    assert progress_text(page) == "1 of 6 required questions answered"  # LAB-2 is shown and required now


def test_an_invalid_answer_does_not_count_as_answered(client_for, supplier_a_user, response_a):
    page = post(client_for(supplier_a_user), response_a, {"MS-1": "yes", "MS-4": "twelve"}).content.decode()

    assert progress_text(page) == "1 of 5 required questions answered"


def test_a_complete_questionnaire_counts_every_required_question(client_for, supplier_a_user, response_a):
    questionnaires.save_draft(response_a, GOOD_ANSWERS, actor=supplier_a_user)

    page = client_for(supplier_a_user).get(fill_url(response_a)).content.decode()

    assert progress_text(page) == "5 of 5 required questions answered"


def test_the_count_and_the_summary_read_in_chinese(client_for, supplier_a_user, response_a):
    client = client_for(supplier_a_user)
    client.post(reverse("core:set_language"), {"language": "zh-hans", "next": "/"})

    page = post(client, response_a, {"MS-1": "yes"}, action="submit").content.decode()

    with translation.override("zh-hans"):
        expected = translation.gettext("{answered} of {required} required questions answered").format(
            answered=1, required=5
        )
        answer_it = translation.gettext("Answer this question.")
    assert expected != "1 of 5 required questions answered"
    assert progress_text(page) == expected
    assert answer_it in question(page, "MS-2") and answer_it != "Answer this question."
    assert "贵公司是否有书面的行为准则" in page
