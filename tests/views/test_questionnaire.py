"""Answering a questionnaire on the phone: due on Today, scored, exactly once, bad input
beside the field."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.outcomes import answer_psfs, load_koos, schedule
from tests.phone import post
from tracker.models import QuestionnaireResponse

pytestmark = pytest.mark.django_db


def url(measure):
    return reverse("patient-questionnaire", args=[measure.pk])


def psfs_post(pat, measure, **overrides):
    data = {
        "local_date": pat.local_today().isoformat(),
        "due_on": measure.program.start_date.isoformat(),
        "client_id": str(uuid.uuid4()),
        "name_a1": "Climb the stairs",
        "rating_a1": "3",
        "name_a2": "Kneel in the garden",
        "rating_a2": "6",
        "name_a3": "",
        "rating_a3": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def psfs(pat_program):
    # The program started 14 days ago: today is the first follow-up, the start was missed.
    return schedule(pat_program, "psfs", every_days=20)


def test_a_due_questionnaire_is_a_card_on_today_until_answered(as_pat, pat, psfs):
    html = as_pat.get(reverse("patient-today")).content.decode()
    assert url(psfs) in html and "Everyday activities" in html
    post(as_pat, url(psfs), psfs_post(pat, psfs))
    assert url(psfs) not in as_pat.get(reverse("patient-today")).content.decode()


def test_the_patient_names_activities_and_rates_them_once(as_pat, pat, psfs):
    response = post(as_pat, url(psfs), psfs_post(pat, psfs))
    assert response.status_code == 200
    assert "Your answers are saved" in response.content.decode()
    saved = QuestionnaireResponse.objects.get(patient=pat)
    assert saved.answers == {"a1": 3, "a2": 6}
    assert saved.activities == {"a1": "Climb the stairs", "a2": "Kneel in the garden"}
    assert (saved.primary_score, saved.scores) == (4.5, {"mean": 4.5})
    assert (saved.due_on, saved.occasion) == (psfs.program.start_date, "start")


def test_a_resent_answer_is_kept_once_and_a_second_phone_is_told(as_pat, pat, psfs):
    data = psfs_post(pat, psfs)
    assert post(as_pat, url(psfs), data).status_code == 200
    assert post(as_pat, url(psfs), data).status_code == 200  # the outbox sending it again
    other = post(as_pat, url(psfs), data | {"client_id": str(uuid.uuid4())})
    assert other.status_code == 422
    assert "already answered" in other.content.decode()
    assert QuestionnaireResponse.objects.count() == 1


def test_later_occasions_rate_the_same_activities(as_pat, pat, psfs):
    start = psfs.program.start_date
    answer_psfs(pat, psfs, start, [2, 4], due_on=start, occasion="start")
    # The follow-up at 20 days has not come: nothing is due.
    html = as_pat.get(url(psfs)).content.decode()
    assert "nothing to answer here right now" in html
    psfs.every_days = 14
    psfs.save()
    html = as_pat.get(url(psfs)).content.decode()
    assert "Activity 1: Climb stairs" in html and 'name="name_a1"' not in html
    due = start.replace() + (pat.local_today() - start)
    refused = post(as_pat, url(psfs), {
        "local_date": pat.local_today().isoformat(), "due_on": due.isoformat(),
        "client_id": str(uuid.uuid4()), "rating_a1": "5",
    })  # fmt: skip
    assert refused.status_code == 422
    assert "Choose a number from 0 to 10." in refused.content.decode()
    post(as_pat, url(psfs), {
        "local_date": pat.local_today().isoformat(), "due_on": due.isoformat(),
        "client_id": str(uuid.uuid4()), "rating_a1": "5", "rating_a2": "7",
    })  # fmt: skip
    latest = QuestionnaireResponse.objects.latest("local_date")
    assert (latest.answers, latest.primary_score, latest.occasion) == (
        {"a1": 5, "a2": 7},
        6.0,
        "repeat",
    )
    assert latest.activities == {"a1": "Climb stairs", "a2": "Kneel in the garden"}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"rating_a1": ""}, "rating_a1", "Choose how well you can do this, from 0 to 10."),
        ({"name_a2": ""}, "name_a2", "Name the activity you are rating."),
        ({"rating_a1": "11"}, "rating_a1", "Choose a number from 0 to 10."),
        ({"name_a1": "x" * 121}, "name_a1", "Please keep it under 120 characters."),
        (
            {"name_a1": "", "rating_a1": "", "name_a2": "", "rating_a2": ""},
            "name_a1",
            "Name at least one activity and rate how well you can do it.",
        ),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_kept_on_screen(
    as_pat, pat, psfs, change, field, message
):
    response = post(as_pat, url(psfs), psfs_post(pat, psfs, **change))
    html = response.content.decode()
    assert response.status_code == 422
    assert message in html
    key = field.split("_")[1]
    error_id = f"q-name-{key}-error" if field.startswith("name") else f"q-rating_{key}-error"
    assert f'id="{error_id}"' in html
    assert "Kneel in the garden" in html or change.get("name_a2") == ""
    assert not QuestionnaireResponse.objects.exists()


def test_a_loaded_koos_is_scored_with_a_missing_item_imputed(as_pat, pat, pat_program):
    load_koos()
    koos = schedule(pat_program, "koos-12", every_days=None, at_discharge=False)
    html = as_pat.get(url(koos)).content.decode()
    assert "Placeholder pain question one" in html and "Placeholder extreme" in html
    answers = {f"q_{s}_{n}": "0" for s in ("function", "qol") for n in range(1, 5)}
    answers |= {"q_pain_1": "1", "q_pain_2": "2", "q_pain_4": "3"}
    base = {
        "local_date": pat.local_today().isoformat(),
        "due_on": pat_program.start_date.isoformat(),
        "client_id": str(uuid.uuid4()),
    }
    too_few = post(as_pat, url(koos), base | answers | {"q_pain_2": "", "q_pain_4": ""})
    assert too_few.status_code == 422
    assert 'id="q-pain_2-error"' in too_few.content.decode()
    assert "Please answer at least 2 of these 4 questions." in too_few.content.decode()
    assert post(as_pat, url(koos), base | answers).status_code == 200
    saved = QuestionnaireResponse.objects.get()
    assert saved.scores == {"pain": 50.0, "function": 100.0, "qol": 100.0, "impact": 83.3333}
    assert saved.imputed == ["pain_3"]


def test_another_patients_questionnaire_is_not_found(client, pia, psfs, pat):
    login(client, pia.user)
    assert client.get(url(psfs)).status_code == 404
    assert post(client, url(psfs), psfs_post(pat, psfs)).status_code == 404
    assert not QuestionnaireResponse.objects.exists()


def test_without_htmx_a_saved_answer_goes_back_to_today(as_pat, pat, psfs):
    response = post(as_pat, url(psfs), psfs_post(pat, psfs), htmx=False)
    assert response.status_code == 302 and response["Location"] == reverse("patient-today")


def test_the_page_carries_the_occasion_and_a_fresh_id_the_form_reads_back(as_pat, pat, psfs):
    html = as_pat.get(url(psfs)).content.decode()
    due_on = psfs.program.start_date.isoformat()
    assert f'name="due_on" value="{due_on}"' in html
    assert 'name="client_id" value="' in html and "data-fresh-session" in html
