"""rows_where: the hot paths' reads, with SQL and converters worked out once per process,
must give exactly what the ORM gives, related objects included, in one query."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.conftest import CHECKIN
from tracker.models import DailyCheckin, ExerciseLog, PatientProfile, Session, User
from tracker.selectors.rows import (
    AmongIds,
    IsoDate,
    batch_rows,
    one_where,
    raw_rows,
    rows_where,
)
from tracker.services.logbook import (
    CheckinValues,
    LogDetails,
    checkin_record,
    exercise_log_record,
    session_start,
)

pytestmark = pytest.mark.django_db


def values_of(instance) -> dict[str, object]:
    """Every stored field's value and its type, as the instance holds it."""
    return {
        field.attname: (getattr(instance, field.attname), type(getattr(instance, field.attname)))
        for field in type(instance)._meta.concrete_fields
    }


def test_it_reads_a_row_as_the_orm_does_whatever_the_field_types(pat, pat_program):
    """Dates, times, decimals, UUIDs, booleans and JSON arrive converted, as from the ORM."""
    day = pat.local_today()
    session = session_start(patient=pat, client_id=uuid.uuid4(), pain_before=2, local_date=day)
    prescribed = pat_program.prescriptions.first()
    exercise_log_record(
        session=session,
        prescribed=prescribed,
        occurrence=1,
        status="done",
        details=LogDetails(sets_done=2, pain_during=3, symptoms=("aching", "stiffness")),
    )
    checkin_record(patient=pat, local_date=day, values=CheckinValues(**CHECKIN))

    for model in (ExerciseLog, Session, DailyCheckin):
        expected = list(model.objects.filter(patient=pat, local_date=day))
        read = rows_where(model, patient=pat, local_date=day)
        assert [values_of(row) for row in read] == [values_of(row) for row in expected]
        assert read and all(row._state.db == "default" and not row._state.adding for row in read)
    assert rows_where(DailyCheckin, patient=pat, local_date=day)[0].sleep_hours == Decimal("7.5")


def test_it_loads_related_objects_in_the_same_query(pat, alice):
    """The signed-in user's clinic and profile come with the user, in one query, and each
    side of the one-to-one knows the other."""
    with CaptureQueriesContext(connection) as captured:
        (user,) = rows_where(User, with_related=("clinic", "patient_profile"), pk=pat.user_id)
        clinic, profile = user.clinic, user.patient_profile
        assert profile.user is user
    assert len(captured) == 1
    assert values_of(user) == values_of(User.objects.get(pk=pat.user_id))
    assert values_of(clinic) == values_of(pat.clinic)
    assert values_of(profile) == values_of(PatientProfile.objects.get(pk=pat.pk))

    # A therapist has no profile, and a site operator no clinic: both are known to be
    # missing, with no query to find out.
    outsider = User.objects.create_superuser("ops@example.org", "a-long-operator-passphrase")
    with CaptureQueriesContext(connection) as captured:
        (therapist,) = rows_where(User, with_related=("clinic", "patient_profile"), pk=alice.pk)
        (nobody,) = rows_where(User, with_related=("clinic", "patient_profile"), pk=outsider.pk)
        assert therapist.clinic == alice.clinic
        assert nobody.clinic is None
        for user in (therapist, nobody):
            assert not hasattr(user, "patient_profile")
    assert len(captured) == 2


def test_it_refuses_a_relation_that_is_not_one_object(pat):
    with pytest.raises(ValueError, match="not a single related object"):
        rows_where(User, with_related=("caseload",), pk=pat.user_id)


def test_it_compares_each_value_as_the_orm_would_send_it(pat):
    """A UUID, a time in another zone and a key beyond any column's range are compared as the
    ORM compares them: the right row, or none, never an error."""
    day = pat.local_today()
    session = session_start(patient=pat, client_id=uuid.uuid4(), pain_before=2, local_date=day)
    assert one_where(Session, client_id=session.client_id) == session
    assert one_where(Session, client_id=uuid.uuid4()) is None

    elsewhere = session.started_at.astimezone(ZoneInfo("Pacific/Auckland"))
    second = timedelta(seconds=1)
    assert one_where(Session, pk=session.pk, started_at__gt=elsewhere - second) == session
    assert one_where(Session, pk=session.pk, started_at__gt=elsewhere + second) is None

    for key in (2**63, -(2**63) - 1, 2**80):
        assert rows_where(Session, pk=key) == []
        assert list(Session.objects.filter(pk=key)) == []


def test_a_locking_read_locks_the_row_where_the_database_can(pat):
    day = pat.local_today()
    checkin_record(patient=pat, local_date=day, values=CheckinValues(**CHECKIN))
    with transaction.atomic(), CaptureQueriesContext(connection) as captured:
        row = one_where(DailyCheckin, for_update=True, patient=pat, local_date=day)
    assert row == DailyCheckin.objects.get(patient=pat, local_date=day)
    locked = captured[-1]["sql"].endswith("FOR UPDATE")
    assert locked == connection.features.has_select_for_update


def test_it_refuses_what_the_orm_would_read_differently(pat, alice):
    """Conditions it cannot answer as the ORM would are refused, never answered wrongly."""
    with pytest.raises(ValueError, match="compared with None"):
        rows_where(Session, program=None)
    with pytest.raises(ValueError, match="not a saved PatientProfile"):
        rows_where(DailyCheckin, patient=alice)
    with pytest.raises(ValueError, match="not a saved PatientProfile"):
        rows_where(DailyCheckin, patient=PatientProfile())
    with transaction.atomic(), pytest.raises(ValueError, match="own rows only"):
        rows_where(User, with_related=("clinic",), for_update=True, pk=pat.user_id)


def test_a_day_read_as_iso_text_is_text_on_its_own_as_in_an_aggregate(pat):
    day = pat.local_today()
    checkin_record(patient=pat, local_date=day, values=CheckinValues(**CHECKIN))
    rows = raw_rows(DailyCheckin.objects.filter(patient=pat).values_list(IsoDate("local_date")))
    assert rows == [(day.isoformat(),)]


def _checkin_days(ids, since):
    return (
        DailyCheckin.objects.filter(AmongIds("patient_id", ids), local_date__gte=since)
        .order_by("patient_id", "local_date")
        .values_list("patient_id", "pain")
    )


def test_a_batch_read_is_built_once_and_answers_each_batch_for_its_own_ids(pat, pia):
    day = pat.local_today()
    for patient, pain in ((pat, 3), (pia, 6)):
        checkin_record(
            patient=patient, local_date=day, values=CheckinValues(**(CHECKIN | {"pain": pain}))
        )
    since = day - timedelta(days=1)

    compiled = []

    def counted(ids, since):
        compiled.append(list(ids))
        return _checkin_days(ids, since)

    assert batch_rows(counted, [pat.pk], since) == [(pat.pk, 3)]
    assert batch_rows(counted, [pia.pk, pat.pk], since) == [(pat.pk, 3), (pia.pk, 6)]
    assert batch_rows(counted, [pia.pk], since) == [(pia.pk, 6)]
    assert batch_rows(counted, [], since) == []
    assert compiled == [[pat.pk]]  # built for the first batch only
    # Other arguments are another query.
    assert batch_rows(counted, [pia.pk], day + timedelta(days=1)) == []
    assert len(compiled) == 2
    assert raw_rows(_checkin_days([pat.pk, pia.pk], since)) == [(pat.pk, 3), (pia.pk, 6)]


def test_a_batch_read_that_does_not_filter_by_its_ids_is_refused(pat):
    def everyone(ids, since):
        return DailyCheckin.objects.filter(local_date__gte=since).values_list("patient_id")

    with pytest.raises(ValueError, match="AmongIds"):
        batch_rows(everyone, [pat.pk], pat.local_today())
