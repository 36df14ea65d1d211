import pytest
from django.urls import reverse

from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("patient-today")


def test_it_lists_today_s_exercises_with_their_dosage(as_pat, pat_program):
    page = as_pat.get(URL).content.decode()
    assert "Glute Bridge" in page and "2 × 12 reps" in page
    assert "Hip Flexor Stretch" in page and "2 × 30 s hold" in page
    assert "1 of 2 today" in page and "2 of 2 today" in page


def test_it_is_404_for_a_therapist(client, alice):
    assert login(client, alice).get(URL).status_code == 404


def test_it_redirects_anonymous_visitors_to_log_in(client, db):
    assert client.get(URL).status_code == 302


def test_it_shows_only_the_patient_s_own_plan(client, pat_program, pia):
    page = login(client, pia.user).get(URL).content.decode()
    assert "Glute Bridge" not in page


def test_it_runs_a_fixed_number_of_queries(as_pat, pat_program, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        as_pat.get(URL)
