from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login, make_patient
from tests.workspace import caseload_of, give_program, live_days, make_flag
from tracker.services.data_rights import deletion_request_create
from tracker.services.invites import patient_invite

pytestmark = pytest.mark.django_db
URL = reverse("therapist-caseload")


def rows_order(page: str, names: list[str]) -> list[str]:
    return sorted(names, key=page.index)


def test_it_lists_the_therapist_s_patients(as_alice, pat, pia):
    page = as_alice.get(URL).content.decode()
    assert "pat@patient.test" in page and "pia@patient.test" in page


def test_it_never_shows_another_clinic_s_patients(client, pat, charlie, oscar):
    page = login(client, charlie).get(URL).content.decode()
    assert "oscar@patient.test" in page
    assert "pat@patient.test" not in page


def test_it_is_404_for_a_patient(client, pat):
    assert login(client, pat.user).get(URL).status_code == 404


def test_it_redirects_anonymous_visitors_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_alerts_a_clinic_admin_only_while_the_background_jobs_are_stale(as_alice):
    from tracker.services.operations import heartbeat_record

    assert 'id="background-jobs-stale"' in as_alice.get(URL).content.decode()
    heartbeat_record(name="scheduler")
    page = as_alice.get(URL).content.decode()
    assert 'id="background-jobs-stale"' not in page
    assert "Background jobs" not in page  # the heartbeat itself is on the Clinic page


def test_it_keeps_the_background_status_from_therapists_who_are_not_admins(client, bob):
    assert "Background jobs" not in login(client, bob).get(URL).content.decode()


def test_it_tells_a_clinic_admin_which_flag_threshold_is_ignored(as_alice, clinic):
    clinic.flag_thresholds = {"pain_rise_points": "abc", "stress_rise": 1}
    clinic.save(update_fields=["flag_thresholds"])

    page = as_alice.get(URL).content.decode()

    assert 'id="flag-threshold-notices"' in page
    assert "pain_rise_points" in page and "&quot;abc&quot; is not a number" in page
    assert "the default 2 is used" in page and "stress_rise" not in page


def test_it_keeps_ignored_flag_thresholds_from_therapists_who_are_not_admins(client, bob, clinic):
    clinic.flag_thresholds = {"pain_rise_points": "abc"}
    clinic.save(update_fields=["flag_thresholds"])

    assert "flag-threshold-notices" not in login(client, bob).get(URL).content.decode()


def test_it_shows_no_threshold_notice_when_every_override_is_valid(as_alice, clinic):
    clinic.flag_thresholds = {"pain_rise_points": 3}
    clinic.save(update_fields=["flag_thresholds"])

    assert "flag-threshold-notices" not in as_alice.get(URL).content.decode()


def test_it_shows_adherence_pain_with_its_trend_and_last_activity(as_alice, pat, alice):
    give_program(pat, alice, pat.local_today() - timedelta(days=30))
    live_days(pat, 21, pain=2)  # the baseline weeks
    live_days(pat, 7, pain=6)  # the last week overwrites the last 7 days
    page = as_alice.get(URL).content.decode()
    assert "100 %" in page  # every exercise done
    assert "6.0" in page and "Up from 2.0" in page
    assert "Yesterday" in page


def test_it_sorts_by_risk_high_flags_first_then_medium_then_gone_quiet(as_alice, clinic, alice):
    calm = make_patient("calm@p.test", clinic, alice)
    quiet = make_patient("quiet@p.test", clinic, alice)
    medium = make_patient("medium@p.test", clinic, alice)
    high = make_patient("high@p.test", clinic, alice)
    for p in (calm, quiet, medium, high):
        give_program(p, alice, p.local_today() - timedelta(days=20))
    live_days(calm, 2)
    live_days(medium, 2)
    live_days(high, 2)
    live_days(quiet, 10)
    from tracker.models import DailyCheckin, ExerciseLog, Session

    cutoff = quiet.local_today() - timedelta(days=5)
    ExerciseLog.objects.filter(patient=quiet, local_date__gte=cutoff).delete()
    Session.objects.filter(patient=quiet, local_date__gte=cutoff).delete()
    DailyCheckin.objects.filter(patient=quiet, local_date__gte=cutoff).delete()
    make_flag(medium, "stress_rising", "medium")
    make_flag(high, "pain_spike", "high")
    make_flag(calm, "sleep_worsening", "low")
    page = as_alice.get(URL).content.decode()
    emails = ["high@p.test", "medium@p.test", "quiet@p.test", "calm@p.test"]
    assert rows_order(page, emails) == emails


def test_it_shows_open_flags_as_severity_badges(as_alice, pat):
    make_flag(pat, "pain_rising", "high")
    make_flag(pat, "gone_quiet", "low", status="resolved")
    page = as_alice.get(URL).content.decode()
    assert "badge sev-high" in page and "High · Pain rising" in page
    assert "Low · Gone quiet" not in page  # resolved flags are history, not badges


def test_it_searches_live_and_answers_htmx_with_the_results_partial(as_alice, pat, pia):
    response = as_alice.get(URL, {"q": "pia"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="caseload-results"' in html and "<html" not in html
    assert "pia@patient.test" in html and "pat@patient.test" not in html
    assert "HX-Request" in response["Vary"]


def test_it_filters_by_flag_severity(as_alice, pat, pia):
    make_flag(pia, "pain_spike", "high")
    page = as_alice.get(URL, {"flag": "high"}).content.decode()
    assert "pia@patient.test" in page and "pat@patient.test" not in page
    page = as_alice.get(URL, {"flag": "none"}).content.decode()
    assert "pat@patient.test" in page and "pia@patient.test" not in page


def test_it_shows_invited_patients_who_have_not_joined(as_alice, alice):
    patient_invite(
        actor=alice, therapist=alice, full_name="Ivy Invitee", email="ivy@p.test",
        timezone_name="Europe/London",
    )  # fmt: skip
    page = as_alice.get(URL).content.decode()
    assert "Ivy Invitee" in page and "not joined yet" in page
    page = as_alice.get(URL, {"state": "invited"}).content.decode()
    assert "Ivy Invitee" in page


def test_it_lets_a_clinic_admin_see_the_whole_clinic(client, clinic, alice, bob, pat):
    make_patient("bobs@p.test", clinic, bob)
    page = login(client, alice).get(URL).content.decode()
    assert "bobs@p.test" not in page
    page = client.get(URL, {"scope": "clinic"}).content.decode()
    assert "bobs@p.test" in page and "pat@patient.test" in page


def test_it_keeps_other_therapists_to_their_own_patients(client, bob, pat):
    page = login(client, bob).get(URL, {"scope": "clinic"}).content.decode()
    assert "pat@patient.test" not in page


def test_it_paginates(as_alice, clinic, alice):
    for n in range(30):
        make_patient(f"many{n:02d}@p.test", clinic, alice)
    first = as_alice.get(URL, {"sort": "name"}).content.decode()
    second = as_alice.get(URL, {"sort": "name", "page": 2}).content.decode()
    assert "many00@p.test" in first and "many29@p.test" not in first
    assert "many29@p.test" in second and "Page 2 of 2" in second


def test_it_sorts_by_lowest_adherence(as_alice, pat, pia, alice):
    for p in (pat, pia):
        give_program(p, alice, p.local_today() - timedelta(days=10))
    live_days(pia, 7)
    page = as_alice.get(URL, {"sort": "adherence"}).content.decode()
    emails = ["pat@patient.test", "pia@patient.test"]
    assert rows_order(page, emails) == emails  # nothing done comes first


def test_its_query_count_does_not_grow_with_patients_or_history(client, clinic, alice, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    login(client, alice)
    counts: dict[str, list[int]] = {"risk": [], "adherence": [], "name": []}
    # 5 patients with 3 days of history, then 45 more (50 in all) with 20 days each.
    for added, history in ((5, 3), (45, 20)):
        caseload_of(clinic, alice, added, history_days=history, prefix=f"h{history}-")
        for sort, seen in counts.items():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(URL, {"sort": sort})
            assert response.status_code == 200
            seen.append(len(queries))
    for sort, (with_5, with_50) in counts.items():
        assert with_5 == with_50, (sort, with_5, with_50)


def test_clinic_admins_see_how_many_patients_asked_for_deletion(client, alice, bob, pat, pia):
    deletion_request_create(patient=pat)
    deletion_request_create(patient=pia)
    page = login(client, alice).get(URL).content.decode()
    assert "2 patients have asked for their data to be deleted." in page
    assert 'id="deletion-requests-waiting"' not in login(client, bob).get(URL).content.decode()


def test_the_function_column_shows_the_latest_score_and_change_in_bounded_queries(
    client, clinic, alice
):
    from tests.outcomes import answer_psfs, schedule

    login(client, alice)
    counts = []
    for added, prefix in ((3, "a-"), (20, "b-")):
        patients = caseload_of(clinic, alice, added, history_days=3, prefix=prefix)
        for patient in patients:
            program = patient.programs.get()
            measure = schedule(program, "psfs")
            start = program.start_date
            answer_psfs(patient, measure, start, [2, 4], due_on=start, occasion="start")
            answer_psfs(patient, measure, patient.local_today(), [5, 5])
        with CaptureQueriesContext(connection) as queries:
            html = client.get(URL).content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # Mean 3.0 → 5.0: +2, the PSFS's minimal detectable change.
    assert "5.0" in html and "+2.0" in html and "better, beyond the MDC" in html
