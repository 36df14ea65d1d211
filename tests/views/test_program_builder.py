"""The program builder: start (from a template), add, re-dose, reorder, remove."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.workspace import dosage_post, exercise, give_program, live_days, reload
from tracker.models import AuditEvent, ExerciseLog, PrescribedExercise, Program
from tracker.selectors.adherence import adherence_days
from tracker.services.library import library_seed

pytestmark = pytest.mark.django_db


def builder(patient):
    return reverse("therapist-program", args=[patient.pk])


@pytest.fixture
def program(pat, alice):
    return give_program(pat, alice, pat.local_today() - timedelta(days=14))


def test_it_offers_to_start_a_program_when_there_is_none(as_alice, pat):
    page = as_alice.get(builder(pat)).content.decode()
    assert "Start a program" in page and "Start from a template" in page


def test_it_starts_a_program_from_a_template(as_alice, alice, pat):
    library_seed()
    from tracker.models import ProgramTemplate

    template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    response = as_alice.post(
        reverse("therapist-program-start", args=[pat.pk]),
        {"template": template.pk, "title": "", "start_date": pat.local_today().isoformat()},
    )
    assert response.status_code == 302
    program = Program.objects.get(patient=pat)
    assert program.title == template.name and program.template == template
    assert program.prescriptions.count() == template.items.count()
    assert AuditEvent.objects.filter(action="program.created", patient=pat).exists()


def test_a_double_submitted_start_from_a_template_makes_one_program(as_alice, pat):
    library_seed()
    from tracker.models import ProgramTemplate

    template = ProgramTemplate.objects.filter(clinic__isnull=True).first()
    form = {"template": template.pk, "title": "", "start_date": pat.local_today().isoformat()}
    for _ in range(2):
        response = as_alice.post(reverse("therapist-program-start", args=[pat.pk]), form)
        assert response.status_code == 302
    program = Program.objects.get(patient=pat)
    assert program.status == "active"
    assert program.prescriptions.count() == template.items.count()
    assert AuditEvent.objects.filter(action="program.created", patient=pat).count() == 1


def test_it_asks_for_a_title_without_a_template(as_alice, pat):
    response = as_alice.post(
        reverse("therapist-program-start", args=[pat.pk]),
        {"title": "", "start_date": pat.local_today().isoformat()},
    )
    assert response.status_code == 400
    assert "Give the program a title" in response.content.decode()
    assert not Program.objects.exists()


def test_starting_a_new_program_completes_the_old_one(as_alice, pat, program):
    as_alice.post(
        reverse("therapist-program-start", args=[pat.pk]),
        {"title": "Phase 2", "start_date": pat.local_today().isoformat()},
    )
    assert reload(program).status == "completed"
    assert Program.objects.get(status="active").title == "Phase 2"


def test_it_lists_the_program_with_dosages(as_alice, pat, program):
    page = as_alice.get(builder(pat)).content.decode()
    assert "Glute Bridge" in page and "2 × 12 reps" in page and "every day" in page


def test_it_searches_the_library_by_name_category_and_body_region(as_alice, pat, program):
    exercise("clamshell")
    url = reverse("therapist-program-library", args=[pat.pk])
    html = as_alice.get(url, {"q": "clam"}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="library-results"' in html and "<html" not in html
    assert "Clamshell" in html and "Glute Bridge" not in html
    html = as_alice.get(url, {"category": "mobility"}).content.decode()
    assert "Hip Flexor Stretch" in html and "Clamshell</strong>" not in html
    html = as_alice.get(url, {"body_region": "knee"}).content.decode()
    assert "No exercises match." in html


def test_it_adds_an_exercise_from_today_at_its_library_dosage(as_alice, pat, program):
    clam = exercise("clamshell")
    response = as_alice.post(
        reverse("therapist-program-add", args=[program.pk, clam.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert 'id="prescriptions"' in html and "Clamshell" in html
    added = program.prescriptions.get(exercise=clam)
    assert added.valid_from == pat.local_today() and added.order == 2
    assert AuditEvent.objects.filter(action="prescription.added", patient=pat).exists()


def test_a_double_click_on_add_adds_the_exercise_once(as_alice, pat, program):
    clam = exercise("clamshell")
    url = reverse("therapist-program-add", args=[program.pk, clam.pk])
    for _ in range(2):  # the same tap, twice
        assert as_alice.post(url, headers={"HX-Request": "true"}).status_code == 200
    assert program.prescriptions.filter(exercise=clam).count() == 1
    assert AuditEvent.objects.filter(action="prescription.added", patient=pat).count() == 1


def test_it_refuses_an_exercise_already_in_the_program_and_shows_the_one_there(
    as_alice, pat, program
):
    bridge = program.prescriptions.get(exercise__slug="glute-bridge")
    url = reverse("therapist-program-add", args=[program.pk, bridge.exercise_id])
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        response = as_alice.post(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Glute Bridge is already in the program. Change its dosage there instead." in html
    assert f'id="rx-{bridge.pk}" data-highlight' in html
    assert (
        program.prescriptions.filter(exercise=bridge.exercise, valid_to__isnull=True).count() == 1
    )
    assert not AuditEvent.objects.filter(action="prescription.added", patient=pat).exists()
    # Without htmx: back to the builder at the exercise already there.
    response = as_alice.post(url)
    assert response.status_code == 302 and response.url.endswith(f"#rx-{bridge.pk}")


def test_it_adds_a_removed_exercise_again(as_alice, pat, program):
    bridge = program.prescriptions.get(exercise__slug="glute-bridge")
    as_alice.post(reverse("therapist-prescription-remove", args=[bridge.pk]))
    url = reverse("therapist-program-add", args=[program.pk, bridge.exercise_id])
    as_alice.post(url, headers={"HX-Request": "true"})
    assert (
        program.prescriptions.filter(exercise=bridge.exercise, valid_to__isnull=True).count() == 1
    )


def test_an_added_exercise_is_highlighted_and_marked_in_the_library(as_alice, pat, program):
    clam = exercise("clamshell")
    response = as_alice.post(
        reverse("therapist-program-add", args=[program.pk, clam.pk]), headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    added = program.prescriptions.get(exercise=clam)
    assert f'id="rx-{added.pk}" data-highlight' in html
    assert "Clamshell added to the program." in html
    # The library entry, swapped out of band, no longer offers "Add".
    assert f'id="lib-{clam.pk}" hx-swap-oob="true"' in html and "In the program" in html


def test_the_library_marks_exercises_already_in_the_program(as_alice, pat, program):
    clam = exercise("clamshell")
    bridge = program.prescriptions.get(exercise__slug="glute-bridge").exercise
    for url in (builder(pat), reverse("therapist-program-library", args=[pat.pk])):
        html = as_alice.get(url).content.decode()
        bridge_item = html[html.index(f'id="lib-{bridge.pk}"') :].split("</li>")[0]
        clam_item = html[html.index(f'id="lib-{clam.pk}"') :].split("</li>")[0]
        assert "In the program" in bridge_item and "Add Glute Bridge" not in bridge_item
        assert "In the program" not in clam_item and "Add Clamshell" in clam_item


def test_a_dosage_change_keeps_history_and_past_adherence(as_alice, pat, program):
    live_days(pat, 3)  # done in full at 2 × 12 reps
    bridge = program.prescriptions.get(exercise__slug="glute-bridge")
    response = as_alice.post(
        reverse("therapist-prescription-dosage", args=[bridge.pk]),
        dosage_post(bridge, sets=3, amount=15, times_per_day=2, notes="Slow on the way down"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "3 × 15 reps" in response.content.decode()
    versions = list(PrescribedExercise.objects.filter(line=bridge.line).order_by("valid_from"))
    assert len(versions) == 2
    old, new = versions
    assert old.valid_to == new.valid_from == pat.local_today()
    assert (new.sets, new.reps, new.times_per_day) == (3, 15, 2)
    assert new.notes == "Slow on the way down"
    # Old logs keep their snapshot; past days stay fully adherent under the old dosage.
    assert set(
        ExerciseLog.objects.filter(line=bridge.line).values_list("target_reps", flat=True)
    ) == {12}
    yesterday = pat.local_today() - timedelta(days=1)
    (day,) = adherence_days([pat.pk], yesterday, yesterday)[pat.pk]
    assert day.percent == 100.0
    (today,) = adherence_days([pat.pk], pat.local_today(), pat.local_today())[pat.pk]
    assert today.due == 3  # the bridge twice a day now, plus the stretch once
    assert (
        AuditEvent.objects.filter(action="prescription.changed").get().detail["to"] == "3 × 15 reps"
    )


def test_it_switches_reps_to_a_timed_hold_and_chosen_weekdays(as_alice, pat, program):
    bridge = program.prescriptions.get(exercise__slug="glute-bridge")
    data = dosage_post(bridge, amount_kind="hold", amount=45, days_per_week=None)
    data[f"rx{bridge.pk}-weekdays"] = ["0", "2", "4"]
    as_alice.post(reverse("therapist-prescription-dosage", args=[bridge.pk]), data)
    current = PrescribedExercise.objects.get(line=bridge.line, valid_to__isnull=True)
    assert (current.reps, current.hold_seconds) == (None, 45)
    assert current.weekdays == 0b10101 and current.days_per_week == 3


def test_it_shows_dosage_errors_next_to_the_field(as_alice, pat, program):
    bridge = program.prescriptions.get(exercise__slug="glute-bridge")
    response = as_alice.post(
        reverse("therapist-prescription-dosage", args=[bridge.pk]),
        dosage_post(bridge, sets=0, days_per_week=None),
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert "Ensure this value is greater than or equal to 1." in html
    assert "Say how many days a week, or choose weekdays." in html
    assert PrescribedExercise.objects.filter(line=bridge.line).count() == 1


def test_it_reorders_exercises(as_alice, pat, program):
    stretch = program.prescriptions.get(exercise__slug="hip-flexor-stretch")
    as_alice.post(
        reverse("therapist-prescription-move", args=[stretch.pk]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )
    names = list(
        program.prescriptions.filter(valid_to__isnull=True)
        .order_by("order")
        .values_list("exercise__slug", flat=True)
    )
    assert names == ["hip-flexor-stretch", "glute-bridge"]


def test_it_removes_an_exercise_from_today_and_keeps_its_past(as_alice, pat, program):
    live_days(pat, 2)
    bridge = program.prescriptions.get(exercise__slug="glute-bridge")
    response = as_alice.post(reverse("therapist-prescription-remove", args=[bridge.pk]))
    assert response.status_code == 302
    assert reload(bridge).valid_to == pat.local_today()
    assert "Glute Bridge" not in as_alice.get(builder(pat)).content.decode().split("library")[0]


def test_it_edits_the_program_details(as_alice, pat, program):
    response = as_alice.post(
        reverse("therapist-program-details", args=[program.pk]),
        {"title": "Knee plan, phase 1", "goal": "Stairs", "status": "paused"},
    )
    assert response.status_code == 302
    program = reload(program)
    assert (program.title, program.goal, program.status) == (
        "Knee plan, phase 1",
        "Stairs",
        "paused",
    )


@pytest.mark.parametrize(
    "name, arg",
    [
        ("therapist-program-add", "add"),
        ("therapist-prescription-dosage", "rx"),
        ("therapist-prescription-move", "rx"),
        ("therapist-prescription-remove", "rx"),
        ("therapist-program-details", "program"),
    ],
)
def test_writes_are_404_for_another_clinic(client, charlie, pat, program, name, arg):
    rx = program.prescriptions.first()
    args = {
        "add": [program.pk, rx.exercise_id],
        "rx": [rx.pk],
        "program": [program.pk],
    }[arg]
    before = PrescribedExercise.objects.count()
    assert login(client, charlie).post(reverse(name, args=args), {}).status_code == 404
    assert PrescribedExercise.objects.count() == before
    assert reload(program).title == "Knee plan"


def test_it_cannot_add_another_clinic_s_own_exercise(as_alice, program, other_clinic):
    theirs = exercise("secret-move")
    theirs.clinic = other_clinic
    theirs.save()
    response = as_alice.post(reverse("therapist-program-add", args=[program.pk, theirs.pk]))
    assert response.status_code == 404
