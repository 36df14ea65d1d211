import pytest
from django.urls import reverse

from tests.conftest import login, make_patient
from tests.workspace import make_flag

pytestmark = pytest.mark.django_db
URL = reverse("therapist-flags")


def test_it_lists_open_and_acknowledged_flags_with_their_sentence(as_alice, pat, pia):
    make_flag(pat, "pain_rising", "high", summary="Pain averaged 6.1, up from 3.4.")
    make_flag(pia, "stress_rising", "low", status="acknowledged", summary="Stress up by 2.6.")
    make_flag(pia, "gone_quiet", "low", status="resolved", summary="Quiet for 3 days.")
    page = as_alice.get(URL).content.decode()
    assert "Pain averaged 6.1, up from 3.4." in page
    assert "Stress up by 2.6." in page
    assert "Quiet for 3 days." not in page


def test_it_sorts_by_severity_then_unacknowledged_first(as_alice, pat, pia):
    make_flag(pat, "sleep_worsening", "low", summary="LOW-ONE")
    make_flag(pia, "pain_spike", "high", status="acknowledged", summary="HIGH-SEEN")
    make_flag(pia, "pain_rising", "medium", summary="MEDIUM-NEW")
    make_flag(pat, "pain_rising", "medium", status="acknowledged", summary="MEDIUM-SEEN")
    page = as_alice.get(URL).content.decode()
    order = ["HIGH-SEEN", "MEDIUM-NEW", "MEDIUM-SEEN", "LOW-ONE"]
    assert sorted(order, key=page.index) == order


def test_it_shows_each_flag_s_figure_then_and_now(as_alice, pat):
    flag = make_flag(pat, "pain_rising", "high")
    flag.evidence = {"values": {"pain_mean": 6.1, "baseline_pain_mean": 3.4}}
    flag.save(update_fields=["evidence"])
    page = as_alice.get(URL).content.decode()
    assert "pain 3.4 → 6.1" in page and ">up</span>" in page


def test_it_filters_by_severity_and_kind(as_alice, pat, pia):
    make_flag(pat, "pain_rising", "high", summary="PAT-HIGH")
    make_flag(pia, "adherence_drop", "low", summary="PIA-LOW")
    page = as_alice.get(URL, {"severity": "high"}).content.decode()
    assert "PAT-HIGH" in page and "PIA-LOW" not in page
    page = as_alice.get(URL, {"kind": "adherence_drop"}).content.decode()
    assert "PIA-LOW" in page and "PAT-HIGH" not in page


def test_it_shows_resolved_flags_when_asked(as_alice, pat):
    make_flag(pat, "gone_quiet", "low", status="resolved", summary="QUIET-DONE")
    assert "QUIET-DONE" in as_alice.get(URL, {"status": "resolved"}).content.decode()


def test_it_answers_htmx_with_the_results_partial(as_alice, pat):
    make_flag(pat, summary="PARTIAL")
    response = as_alice.get(URL, {"severity": "medium"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "PARTIAL" in html and 'id="flag-results"' in html and "<html" not in html


def test_it_counts_new_flags_in_the_navigation(as_alice, pat, pia):
    make_flag(pat, "pain_rising")
    make_flag(pia, "pain_spike")
    make_flag(pia, "stress_rising", status="acknowledged")
    page = as_alice.get(reverse("therapist-caseload")).content.decode()
    assert '<span class="nav-count">2<span class="visually-hidden"> new flags' in page


def test_it_never_shows_another_clinic_s_flags(client, pat, charlie, oscar):
    make_flag(pat, summary="DEMO-CLINIC")
    make_flag(oscar, summary="OTHER-CLINIC")
    page = login(client, charlie).get(URL, {"scope": "clinic"}).content.decode()
    assert "OTHER-CLINIC" in page and "DEMO-CLINIC" not in page


def test_it_shows_colleagues_flags_to_a_clinic_admin_only_on_request(client, clinic, alice, bob):
    bobs = make_patient("bobs@p.test", clinic, bob)
    make_flag(bobs, summary="BOBS-FLAG")
    login(client, alice)
    assert "BOBS-FLAG" not in client.get(URL).content.decode()
    assert "BOBS-FLAG" in client.get(URL, {"scope": "clinic"}).content.decode()


def test_it_is_404_for_a_patient(client, pat):
    assert login(client, pat.user).get(URL).status_code == 404
