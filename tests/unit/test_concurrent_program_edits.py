"""Two edits of the same exercise in a program, the second one based on what the first changed.

Each edit carries the version it was opened on: the one that comes second is refused with
the version now in force (never a 500), unless it is the same change arriving twice. The
audit trail holds only what happened. The stale interleavings run on any database; the ones
at once run two threads on two connections, where PostgreSQL's row lock decides (SQLite
takes its write lock when each transaction begins, so there they simply queue).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, transaction

from tests.concurrency import at_once
from tests.workspace import exercise, give_program
from tracker.models import AuditEvent, PrescribedExercise
from tracker.services.prescribing import (
    DosageSpec,
    PrescriptionChanged,
    prescription_change_dosage,
    prescription_remove,
    prescription_version,
)
from tracker.services.program_builder import (
    program_dosage_change,
    program_exercise_add,
    program_exercise_remove,
)


@pytest.fixture
def program(pat, alice):
    return give_program(pat, alice, pat.local_today() - timedelta(days=14))


@pytest.fixture
def bridge(program):
    return program.prescriptions.get(exercise__slug="glute-bridge")


def dosage(rx: PrescribedExercise, **changes: object) -> DosageSpec:
    return DosageSpec(**{**{"sets": rx.sets, "reps": rx.reps, "hold_seconds": None}, **changes})


def change(rx, actor, version, sets: int, notes: str = "") -> Callable[[], PrescribedExercise]:
    return lambda: program_dosage_change(
        prescription=rx, dosage=dosage(rx, sets=sets), notes=notes, actor=actor, based_on=version
    )


def remove(rx, actor, version) -> Callable[[], None]:
    return lambda: program_exercise_remove(prescription=rx, actor=actor, based_on=version)


def versions(rx: PrescribedExercise) -> list[PrescribedExercise]:
    return list(PrescribedExercise.objects.filter(line=rx.line).order_by("valid_from", "id"))


def in_force(rx: PrescribedExercise) -> PrescribedExercise | None:
    return PrescribedExercise.objects.filter(line=rx.line, valid_to__isnull=True).first()


def audited(patient) -> list[str]:
    return sorted(
        AuditEvent.objects.filter(patient=patient, action__startswith="prescription.").values_list(
            "action", flat=True
        )
    )


# --- One after the other, the second based on the version the first replaced -------------


@pytest.mark.django_db
class TestStaleEdits:
    def test_a_change_based_on_a_replaced_version_is_refused_with_the_current_one(
        self, pat, alice, bob, bridge
    ):
        opened = prescription_version(bridge)
        first = change(bridge, alice, opened, sets=3)()
        with pytest.raises(PrescriptionChanged) as refused:
            change(bridge, bob, opened, sets=4)()
        assert refused.value.current.pk == first.pk and refused.value.current.sets == 3
        assert [v.sets for v in versions(bridge)] == [2, 3]
        assert audited(pat) == ["prescription.changed"]

    def test_a_change_of_a_version_changed_in_place_today_is_refused(
        self, pat, alice, bob, program
    ):
        added = program_exercise_add(program=program, exercise=exercise("clamshell"), actor=alice)
        opened = prescription_version(added)
        first = change(added, alice, opened, sets=3)()
        assert first.pk == added.pk  # the same day it started: changed in place
        with pytest.raises(PrescriptionChanged) as refused:
            change(added, bob, opened, sets=4)()
        assert refused.value.current.pk == added.pk and refused.value.current.sets == 3
        assert in_force(added).sets == 3
        assert audited(pat) == ["prescription.added", "prescription.changed"]

    def test_a_removal_based_on_a_replaced_version_removes_nothing(self, pat, alice, bob, bridge):
        opened = prescription_version(bridge)
        changed = change(bridge, alice, opened, sets=3)()
        with pytest.raises(PrescriptionChanged) as refused:
            remove(bridge, bob, opened)()
        assert refused.value.current.pk == changed.pk
        assert in_force(bridge).sets == 3  # still in the program, at the new dosage
        assert audited(pat) == ["prescription.changed"]

    def test_a_removal_without_a_version_still_never_closes_an_old_one_again(
        self, pat, alice, bob, bridge
    ):
        change(bridge, alice, None, sets=3)()
        with pytest.raises(PrescriptionChanged):
            remove(bridge, bob, None)()
        assert in_force(bridge).sets == 3
        assert audited(pat) == ["prescription.changed"]

    def test_a_change_of_a_removed_exercise_is_refused_and_changes_nothing(
        self, pat, alice, bob, bridge
    ):
        opened = prescription_version(bridge)
        remove(bridge, alice, opened)()
        with pytest.raises(PrescriptionChanged) as refused:
            change(bridge, bob, opened, sets=4)()
        assert refused.value.current is None
        assert in_force(bridge) is None and len(versions(bridge)) == 1
        assert audited(pat) == ["prescription.removed"]

    def test_a_second_removal_removes_nothing_more(self, pat, alice, bob, bridge):
        opened = prescription_version(bridge)
        remove(bridge, alice, opened)()
        with pytest.raises(PrescriptionChanged) as refused:
            remove(bridge, bob, opened)()
        assert refused.value.current is None
        assert audited(pat) == ["prescription.removed"]

    def test_a_second_removal_of_an_exercise_added_today_finds_it_gone(
        self, pat, alice, bob, program
    ):
        added = program_exercise_add(program=program, exercise=exercise("clamshell"), actor=alice)
        opened = prescription_version(added)
        remove(added, alice, opened)()
        assert not PrescribedExercise.objects.filter(pk=added.pk).exists()  # no history yet
        with pytest.raises(PrescriptionChanged) as refused:
            remove(added, bob, opened)()
        assert refused.value.current is None
        assert audited(pat) == ["prescription.added", "prescription.removed"]

    def test_the_same_change_sent_twice_makes_one_version_and_one_audit(self, pat, alice, bridge):
        opened = prescription_version(bridge)
        first = change(bridge, alice, opened, sets=3, notes="Slowly")()
        again = change(bridge, alice, opened, sets=3, notes="Slowly")()
        assert again.pk == first.pk
        assert [v.sets for v in versions(bridge)] == [2, 3]
        assert audited(pat) == ["prescription.changed"]

    def test_the_same_change_sent_twice_the_day_a_version_started(self, pat, alice, program):
        added = program_exercise_add(program=program, exercise=exercise("clamshell"), actor=alice)
        opened = prescription_version(added)
        for _ in range(2):
            assert change(added, alice, opened, sets=4)().pk == added.pk
        assert audited(pat) == ["prescription.added", "prescription.changed"]

    def test_a_change_to_the_dosage_already_prescribed_is_not_audited(self, pat, alice, bridge):
        change(bridge, alice, prescription_version(bridge), sets=bridge.sets)()
        assert len(versions(bridge)) == 1 and audited(pat) == []

    def test_moving_an_exercise_does_not_make_its_dosage_form_stale(self, pat, alice, bridge):
        opened = prescription_version(bridge)
        bridge.order = 5
        assert prescription_version(bridge) == opened

    def test_the_lower_level_services_refuse_a_closed_version_with_the_current_one(
        self, pat, bridge
    ):
        today = pat.local_today()
        newer = prescription_change_dosage(
            prescription=bridge, dosage=dosage(bridge, sets=3), notes="", effective_on=today
        )
        with pytest.raises(PrescriptionChanged) as refused:
            prescription_change_dosage(
                prescription=bridge, dosage=dosage(bridge, sets=4), notes="", effective_on=today
            )
        assert refused.value.current.pk == newer.pk
        with pytest.raises(PrescriptionChanged):
            prescription_remove(prescription=bridge, effective_on=today)
        assert in_force(bridge).pk == newer.pk


# --- At the same moment, on two connections ------------------------------------------------


def second_waits_for_first(
    first: Callable[[], Any], second: Callable[[], Any]
) -> tuple[list[Any], list[BaseException]]:
    """``first`` holds its transaction open (its row locks taken) while ``second`` starts.

    On PostgreSQL the second then waits on the row lock and reads the row as the first
    left it, which is the case the version check has to get right.
    """
    results: list[Any] = []
    errors: list[BaseException] = []
    first_wrote = threading.Event()

    def run_first() -> None:
        try:
            with transaction.atomic():
                results.append(first())
                first_wrote.set()
                time.sleep(0.5)  # the second is now blocked behind this transaction
        except BaseException as error:
            errors.append(error)
        finally:
            first_wrote.set()
            connection.close()

    def run_second() -> None:
        first_wrote.wait()
        try:
            results.append(second())
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
class TestEditsAtOnce:
    @pytest.mark.parametrize("run", [at_once, second_waits_for_first])
    def test_two_changes_one_stands_the_other_is_refused(self, run, pat, alice, bob, bridge):
        opened = prescription_version(bridge)
        results, errors = run(change(bridge, alice, opened, 3), change(bridge, bob, opened, 4))
        assert len(results) == 1 and [type(e) for e in errors] == [PrescriptionChanged]
        assert errors[0].current.pk == results[0].pk
        assert [v.sets for v in versions(bridge)] == [2, results[0].sets]
        assert audited(pat) == ["prescription.changed"]

    @pytest.mark.parametrize("run", [at_once, second_waits_for_first])
    def test_a_removal_and_a_change_one_stands(self, run, pat, alice, bob, bridge):
        opened = prescription_version(bridge)
        results, errors = run(remove(bridge, alice, opened), change(bridge, bob, opened, 3))
        assert len(results) == 1 and [type(e) for e in errors] == [PrescriptionChanged]
        if results == [None]:  # the removal came first
            assert in_force(bridge) is None and errors[0].current is None
            assert audited(pat) == ["prescription.removed"]
        else:
            assert in_force(bridge).sets == 3 and errors[0].current.pk == results[0].pk
            assert audited(pat) == ["prescription.changed"]

    def test_a_change_then_a_removal_removes_nothing(self, pat, alice, bob, bridge):
        opened = prescription_version(bridge)
        results, errors = second_waits_for_first(
            change(bridge, alice, opened, 3), remove(bridge, bob, opened)
        )
        assert [type(e) for e in errors] == [PrescriptionChanged]
        assert in_force(bridge).sets == 3
        assert audited(pat) == ["prescription.changed"]

    def test_a_removal_then_a_change_changes_nothing(self, pat, alice, bob, bridge):
        opened = prescription_version(bridge)
        results, errors = second_waits_for_first(
            remove(bridge, alice, opened), change(bridge, bob, opened, 3)
        )
        assert [type(e) for e in errors] == [PrescriptionChanged]
        assert errors[0].current is None and in_force(bridge) is None
        assert audited(pat) == ["prescription.removed"]

    @pytest.mark.parametrize("run", [at_once, second_waits_for_first])
    def test_two_removals_remove_once(self, run, pat, alice, bob, bridge):
        opened = prescription_version(bridge)
        results, errors = run(remove(bridge, alice, opened), remove(bridge, bob, opened))
        assert results == [None] and [type(e) for e in errors] == [PrescriptionChanged]
        assert in_force(bridge) is None
        assert audited(pat) == ["prescription.removed"]

    @pytest.mark.parametrize("run", [at_once, second_waits_for_first])
    def test_the_same_change_sent_twice_at_once_is_made_once(self, run, pat, alice, bridge):
        opened = prescription_version(bridge)
        results, errors = run(change(bridge, alice, opened, 3), change(bridge, alice, opened, 3))
        assert errors == [] and results[0].pk == results[1].pk
        assert [v.sets for v in versions(bridge)] == [2, 3]
        assert audited(pat) == ["prescription.changed"]
