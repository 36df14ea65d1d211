"""function_worsening through the real evaluation: answers on the database, the flag with
its numbers, the alert policy, and clearing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.outcomes import answer_psfs, load_koos, schedule
from tracker.models import Flag, Notification, QuestionnaireResponse
from tracker.services.flags import trends_evaluate_patients
from tracker.services.outcomes import response_record

pytestmark = pytest.mark.django_db


def evaluate(patient, day):
    return trends_evaluate_patients(patient_ids=[patient.pk], as_of=day, owe_alerts=True)


def test_a_psfs_mean_2_below_the_best_opens_a_flag_that_explains_itself(pat, pat_program):
    measure = schedule(pat_program, "psfs")
    start = pat_program.start_date
    answer_psfs(pat, measure, start, [4, 4], due_on=start, occasion="start")
    answer_psfs(pat, measure, start + timedelta(days=7), [6, 6], due_on=start + timedelta(days=7))
    bad_day = start + timedelta(days=14)
    answer_psfs(pat, measure, bad_day, [4, 3], due_on=bad_day)
    # Answering asked for an evaluation, as a check-in does.
    pat.refresh_from_db()
    assert pat.next_evaluation_at is not None

    evaluate(pat, bad_day)
    flag = Flag.objects.get(kind="function_worsening")
    assert (flag.severity, flag.status, flag.opened_on) == ("medium", "open", bad_day)
    assert (
        "Everyday activities 3.5" in flag.summary
        and "down 2.5 from their best of 6.0" in flag.summary
    )
    assert flag.evidence["values"]["baseline"] == 4.0
    # Medium: in the inbox and the digest, no email of its own.
    events = {f"flag-alert:{pk}" for pk in flag.events.values_list("pk", flat=True)}
    assert not Notification.objects.filter(idempotency_key__in=events).exists()

    # The next answer is back within 2 points of the best: the flag clears.
    later = bad_day + timedelta(days=14)
    answer_psfs(pat, measure, later, [5, 6], due_on=later)
    evaluate(pat, later)
    flag.refresh_from_db()
    assert (flag.status, flag.resolution) == ("resolved", "cleared")


def test_a_loaded_measure_down_by_its_mic_is_high_when_twice_that_and_alerts(pat, pat_program):
    load_koos()  # the placeholder copy sets a minimal important change of 10 on the summary
    measure = schedule(pat_program, "koos-12", every_days=None)
    start = pat_program.start_date

    def answer(day, value):
        keys = [f"{s}_{n}" for s in ("pain", "function", "qol") for n in range(1, 5)]
        response_record(
            patient=pat, questionnaire=measure.questionnaire, measure=measure,
            client_id=__import__("uuid").uuid4(), local_date=day, due_on=day,
            occasion="start", answers=dict.fromkeys(keys, value),
        )  # fmt: skip

    answer(start, 1)  # every item 1: 75 on each scale
    answer(start + timedelta(days=10), 3)  # every item 3: 25, down 50
    assert list(QuestionnaireResponse.objects.values_list("primary_score", flat=True)) == [75, 25]
    evaluate(pat, start + timedelta(days=10))
    flag = Flag.objects.get(kind="function_worsening")
    assert flag.severity == "high"
    assert (
        "KOOS-12 (test wording) 25.0" in flag.summary
        and "a fall of 10.0 or more counts as worse" in flag.summary
    )
    events = {f"flag-alert:{pk}" for pk in flag.events.values_list("pk", flat=True)}
    assert Notification.objects.filter(idempotency_key__in=events).count() == 1
