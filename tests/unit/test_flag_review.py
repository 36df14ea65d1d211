"""Acknowledging and resolving a flag, as the service does it, whatever the page sends."""

import pytest
from django.core.exceptions import ValidationError

from tests.workspace import make_flag, reload
from tracker.models import AuditEvent, FlagEvent
from tracker.services.flag_review import flag_acknowledge, flag_resolve

pytestmark = pytest.mark.django_db


def test_it_acknowledges_a_flag_only_once(alice, pat):
    flag = make_flag(pat)
    flag_acknowledge(flag=flag, therapist=alice, note="Called her.")
    flag_acknowledge(flag=flag, therapist=alice, note="Called her.")
    assert reload(flag).status == "acknowledged"
    assert FlagEvent.objects.filter(flag=flag, action="acknowledged").count() == 1
    assert AuditEvent.objects.filter(action="flag.acknowledged").count() == 1


def test_it_keeps_the_first_acknowledgement_when_a_second_comes_without_a_note(alice, pat):
    flag = make_flag(pat)
    first = flag_acknowledge(flag=flag, therapist=alice, note="Called her.")
    again = flag_acknowledge(flag=flag, therapist=alice)
    assert again.acknowledged_at == first.acknowledged_at
    assert reload(flag).note == "Called her."


def test_it_resolves_a_flag_only_once(alice, pat):
    flag = make_flag(pat)
    flag_resolve(flag=flag, therapist=alice)
    with pytest.raises(ValidationError):
        flag_resolve(flag=flag, therapist=alice)
    assert FlagEvent.objects.filter(flag=flag, action="resolved").count() == 1
    assert AuditEvent.objects.filter(action="flag.resolved").count() == 1
