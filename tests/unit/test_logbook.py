"""Writing what the patient logs: idempotent under retries, double taps and late arrivals."""

import uuid
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.concurrency import at_once
from tests.conftest import CHECKIN
from tracker.models import DailyCheckin, Session
from tracker.services.logbook import CheckinValues, checkin_record, session_start

pytestmark = pytest.mark.django_db


def test_a_repeated_session_start_returns_the_same_session(pat, pat_program):
    client_id = uuid.uuid4()
    first = session_start(patient=pat, client_id=client_id, pain_before=2)
    again = session_start(patient=pat, client_id=client_id, pain_before=2)
    assert first.pk == again.pk and Session.objects.count() == 1


def test_a_session_opened_by_a_tick_takes_its_pain_before_later(pat, pat_program):
    client_id = uuid.uuid4()
    session_start(patient=pat, client_id=client_id, pain_before=None)
    assert session_start(patient=pat, client_id=client_id, pain_before=4).pain_before == 4
    assert session_start(patient=pat, client_id=client_id, pain_before=9).pain_before == 4


def test_another_patient_s_client_id_is_refused(pat, pia, pat_program):
    theirs = session_start(patient=pat, client_id=uuid.uuid4(), pain_before=1)
    with pytest.raises(ValidationError):
        session_start(patient=pia, client_id=theirs.client_id, pain_before=3)


def test_today_s_check_in_is_updated_in_place(pat):
    today = pat.local_today()
    checkin_record(patient=pat, local_date=today, values=CheckinValues(**CHECKIN))
    _, created = checkin_record(
        patient=pat, local_date=today, values=CheckinValues(**(CHECKIN | {"pain": 1}))
    )
    assert not created and DailyCheckin.objects.get().pain == 1


def test_yesterday_s_check_in_arrives_late_once_then_is_read_only(pat):
    yesterday = pat.local_today() - timedelta(days=1)
    _, created = checkin_record(patient=pat, local_date=yesterday, values=CheckinValues(**CHECKIN))
    assert created
    _, created = checkin_record(patient=pat, local_date=yesterday, values=CheckinValues(**CHECKIN))
    assert not created  # an identical resend succeeds and changes nothing
    with pytest.raises(ValidationError) as error:
        checkin_record(
            patient=pat, local_date=yesterday, values=CheckinValues(**(CHECKIN | {"pain": 8}))
        )
    assert "local_date" in error.value.message_dict
    assert DailyCheckin.objects.get().pain == 3


def test_an_identical_resend_matches_whatever_the_decimal_form(pat):
    yesterday = pat.local_today() - timedelta(days=1)
    checkin_record(patient=pat, local_date=yesterday, values=CheckinValues(**CHECKIN))
    values = CheckinValues(**(CHECKIN | {"sleep_hours": Decimal("7.50")}))
    checkin_record(patient=pat, local_date=yesterday, values=values)


def test_older_days_and_future_days_are_refused(pat):
    today = pat.local_today()
    for day in (today - timedelta(days=2), today + timedelta(days=1)):
        with pytest.raises(ValidationError):
            checkin_record(patient=pat, local_date=day, values=CheckinValues(**CHECKIN))
    assert not DailyCheckin.objects.exists()


def test_importers_may_still_write_the_past(pat):
    day = pat.local_today() - timedelta(days=30)
    checkin_record(patient=pat, local_date=day, values=CheckinValues(**CHECKIN), allow_past=True)
    assert DailyCheckin.objects.get().local_date == day


@pytest.mark.django_db(transaction=True)
def test_the_same_check_in_sent_twice_at_once_makes_one_row_and_both_succeed(pat):
    """A phone's outbox resending while the first copy is still on its way."""

    def send(pain: int) -> Callable[[], tuple[DailyCheckin, bool]]:
        values = CheckinValues(**(CHECKIN | {"pain": pain}))
        return lambda: checkin_record(patient=pat, local_date=pat.local_today(), values=values)

    results, errors = at_once(send(3), send(4))
    assert errors == [] and len(results) == 2
    assert sorted(created for _, created in results) == [False, True]
    row = DailyCheckin.objects.get(patient=pat, local_date=pat.local_today())
    assert row.pain in (3, 4)  # the one that came second stands
