"""Two therapists editing the same exercise in the builder: the one who comes second is told.

Each builder form carries the version it was opened on. A change or a removal based on a
version someone else has since changed or removed is refused next to the exercise, with the
version now in force; the audit trail holds only what happened.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.workspace import dosage_post, give_program
from tracker.models import AuditEvent, PrescribedExercise
from tracker.services.prescribing import prescription_version

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
CHANGED_MEANWHILE = "This exercise was changed meanwhile — here is the current version."


@pytest.fixture
def program(pat, alice):
    return give_program(pat, alice, pat.local_today() - timedelta(days=14))


@pytest.fixture
def bridge(program):
    return program.prescriptions.get(exercise__slug="glute-bridge")


@pytest.fixture
def as_bob(bob):
    return login(Client(), bob)


def change(client, rx, version, headers=HTMX, **dosage):
    data = dosage_post(rx, **dosage) | {f"rx{rx.pk}-version": version}
    url = reverse("therapist-prescription-dosage", args=[rx.pk])
    return client.post(url, data, headers=headers)


def remove(client, rx, version, headers=HTMX):
    url = reverse("therapist-prescription-remove", args=[rx.pk])
    return client.post(url, {"version": version}, headers=headers)


def in_force(rx):
    return PrescribedExercise.objects.get(line=rx.line, valid_to__isnull=True)


def audited(patient):
    return list(
        AuditEvent.objects.filter(patient=patient, action__startswith="prescription.")
        .order_by("id")
        .values_list("action", "actor__email")
    )


def row_of(html: str, rx) -> str:
    """The builder's list item of one exercise version."""
    return html.split(f'id="rx-{rx.pk}"', 1)[1].split('<li class="rx"', 1)[0]


def test_the_builder_s_forms_carry_the_version_they_were_opened_on(as_alice, pat, bridge):
    page = as_alice.get(reverse("therapist-program", args=[pat.pk])).content.decode()
    version = prescription_version(bridge)
    assert f'name="rx{bridge.pk}-version" value="{version}"' in page  # the dosage form
    assert f'name="version" value="{version}"' in page  # the removal


def test_the_second_of_two_changes_is_told_and_shown_the_current_version(
    as_alice, as_bob, pat, bridge
):
    opened = prescription_version(bridge)
    assert change(as_bob, bridge, opened, sets=3, amount=15).status_code == 200
    response = change(as_alice, bridge, opened, sets=4, amount=10)
    assert response.status_code == 200  # htmx swaps the list in, notice included
    html = response.content.decode()
    assert "<html" not in html
    current = in_force(bridge)
    assert CHANGED_MEANWHILE in row_of(html, current)
    assert "3 × 15 reps" in row_of(html, current)
    assert (current.sets, current.reps) == (3, 15)
    assert audited(pat) == [("prescription.changed", "bob@clinic.test")]


def test_without_htmx_the_second_change_gets_the_page_with_409(as_alice, as_bob, pat, bridge):
    opened = prescription_version(bridge)
    change(as_bob, bridge, opened, headers={}, sets=3)
    response = change(as_alice, bridge, opened, headers={}, sets=4)
    assert response.status_code == 409
    html = response.content.decode()
    assert "<html" in html and CHANGED_MEANWHILE in row_of(html, in_force(bridge))
    assert in_force(bridge).sets == 3
    assert audited(pat) == [("prescription.changed", "bob@clinic.test")]


def test_a_change_made_in_place_today_still_makes_a_later_one_stale(as_alice, as_bob, pat, bridge):
    # A change on the day a version started rewrites that version: same id, new dosage.
    opened = prescription_version(bridge)
    change(as_bob, bridge, opened, sets=3)
    today_s = in_force(bridge)
    opened_today = prescription_version(today_s)
    change(as_bob, today_s, opened_today, sets=4)
    assert in_force(bridge).pk == today_s.pk
    html = change(as_alice, today_s, opened_today, sets=5).content.decode()
    assert CHANGED_MEANWHILE in html and in_force(bridge).sets == 4
    assert [action for action, _ in audited(pat)] == ["prescription.changed"] * 2


def test_a_removal_after_a_change_removes_nothing_and_shows_the_change(
    as_alice, as_bob, pat, bridge
):
    opened = prescription_version(bridge)
    change(as_bob, bridge, opened, sets=3)
    response = remove(as_alice, bridge, opened)
    assert response.status_code == 200
    current = in_force(bridge)
    assert current.sets == 3  # still in the program
    assert CHANGED_MEANWHILE in row_of(response.content.decode(), current)
    assert audited(pat) == [("prescription.changed", "bob@clinic.test")]


def test_a_change_after_a_removal_changes_nothing_and_says_so(as_alice, as_bob, pat, bridge):
    opened = prescription_version(bridge)
    remove(as_bob, bridge, opened)
    response = change(as_alice, bridge, opened, sets=4)
    assert response.status_code == 200
    html = response.content.decode()
    assert "removed from the program meanwhile" in html and f'id="rx-{bridge.pk}"' not in html
    assert not PrescribedExercise.objects.filter(line=bridge.line, valid_to__isnull=True).exists()
    assert audited(pat) == [("prescription.removed", "bob@clinic.test")]
    response = change(as_alice, bridge, opened, headers={}, sets=4)
    assert response.status_code == 409 and "removed from the program meanwhile" in (
        response.content.decode()
    )


def test_a_second_removal_removes_nothing_more(as_alice, as_bob, pat, bridge):
    opened = prescription_version(bridge)
    remove(as_bob, bridge, opened)
    response = remove(as_alice, bridge, opened)
    assert response.status_code == 200
    assert "already removed" in response.content.decode()
    assert audited(pat) == [("prescription.removed", "bob@clinic.test")]


def test_a_double_submitted_change_is_made_and_audited_once(as_alice, pat, bridge):
    opened = prescription_version(bridge)
    for _ in range(2):
        response = change(as_alice, bridge, opened, sets=3, notes="Slowly")
        assert response.status_code == 200
        assert CHANGED_MEANWHILE not in response.content.decode()
    assert PrescribedExercise.objects.filter(line=bridge.line).count() == 2
    assert audited(pat) == [("prescription.changed", "alice@clinic.test")]


def test_an_invalid_form_for_a_replaced_version_shows_the_current_one(
    as_alice, as_bob, pat, bridge
):
    opened = prescription_version(bridge)
    change(as_bob, bridge, opened, sets=3)
    response = change(as_alice, bridge, opened, sets=0)
    assert response.status_code == 200
    assert CHANGED_MEANWHILE in row_of(response.content.decode(), in_force(bridge))


def test_a_form_without_a_version_is_checked_against_the_one_it_names(
    as_alice, as_bob, pat, bridge
):
    change(as_bob, bridge, prescription_version(bridge), sets=3)
    url = reverse("therapist-prescription-remove", args=[bridge.pk])
    assert as_alice.post(url, headers=HTMX).status_code == 200
    assert in_force(bridge).sets == 3
    assert [action for action, _ in audited(pat)] == ["prescription.changed"]
