import pytest

from tracker.models import (
    Clinic,
    DailyCheckin,
    ExerciseLog,
    PatientProfile,
    PrescribedExercise,
    Program,
    Session,
    User,
)
from tracker.services.demo import DEMO_PASSWORD, demo_build
from tracker.services.library import library_seed

pytestmark = pytest.mark.django_db


def counts():
    return [
        m.objects.count()
        for m in (
            Clinic,
            User,
            PatientProfile,
            Program,
            PrescribedExercise,
            Session,
            ExerciseLog,
            DailyCheckin,
        )
    ]


def test_it_builds_the_demo_clinic_and_running_it_twice_duplicates_nothing():
    library_seed()
    demo_build()
    first = counts()
    demo_build()
    assert counts() == first

    clinic = Clinic.objects.get(name="Demo Clinic")
    therapist = User.objects.get(email="therapist@rehabit.test")
    patient = User.objects.get(email="patient@rehabit.test")
    assert therapist.check_password(DEMO_PASSWORD) and patient.check_password(DEMO_PASSWORD)
    assert therapist.clinic == clinic and therapist.is_therapist
    assert PatientProfile.objects.filter(clinic=clinic).count() >= 7


def test_it_gives_demo_patients_eight_weeks_of_believable_history():
    library_seed()
    demo_build()
    alex = PatientProfile.objects.get(user__email="patient@rehabit.test")
    days = DailyCheckin.objects.filter(patient=alex).count()
    assert 40 <= days <= 56
    # Today is left for the patient to log.
    assert not alex.sessions.filter(local_date=alex.local_today()).exists()

    quiet = PatientProfile.objects.get(user__email="casey.morgan@rehabit.test")
    last = quiet.checkins.order_by("-local_date").first().local_date
    assert (quiet.local_today() - last).days >= 10

    sleepy = PatientProfile.objects.get(user__email="jordan.kim@rehabit.test")
    recent = list(sleepy.checkins.order_by("-local_date")[:7])
    early = list(sleepy.checkins.order_by("local_date")[:21])
    mean = lambda rows, f: sum(getattr(r, f) for r in rows) / len(rows)  # noqa: E731
    assert mean(recent, "pain") > mean(early, "pain") + 2
    assert mean(recent, "sleep_quality") < mean(early, "sleep_quality") - 2


def test_demo_patients_answer_the_psfs_every_two_weeks_with_todays_left_to_do():
    from tracker.models import QuestionnaireResponse
    from tracker.selectors.outcomes import due_measures, measure_histories
    from tracker.services.outcomes import questionnaires_seed

    library_seed()
    questionnaires_seed()
    demo_build()
    answered = QuestionnaireResponse.objects.count()
    demo_build()
    assert QuestionnaireResponse.objects.count() == answered

    alex = PatientProfile.objects.get(user__email="patient@rehabit.test")
    psfs = measure_histories(alex)[0]
    assert [r.occasion for r in psfs.responses] == ["start", "repeat", "repeat", "repeat"]
    assert psfs.primary.change is not None and psfs.primary.change.direction == "better"
    assert [d.questionnaire.slug for d in due_measures(alex, alex.local_today())] == ["psfs"]
