"""PostgreSQL itself keeps the audit trail append-only (migration 0013).

The ORM refuses to change an event, but ``_base_manager``, raw SQL or psql would not ask it.
These tests go past the ORM to the real database: every UPDATE and DELETE is refused, except
the anonymisation of a deleted patient, which changes only the identifying columns, and the
clearing of a link to a row deleted in the same transaction. They run with real commits, so
the checks made at commit run too, and the suite's flush after each (TRUNCATE) must pass.
"""

from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, login, make_user
from tracker.models import AuditEvent, Clinic, PatientProfile, User
from tracker.models.operations import ANONYMISE_SETTING
from tracker.services.audit import audit_record
from tracker.services.data_rights import deletion_request_create

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the trail's triggers are PostgreSQL's; SQLite keeps the ORM's guard only",
    ),
]
IP = "198.51.100.23"
CLINIC_IP = "192.0.2.10"


def raw(sql: str, params: list[object]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def row(pk: int) -> dict[str, object]:
    return AuditEvent.objects.filter(pk=pk).values().get()


def refused(change) -> None:
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        change()


@pytest.fixture
def viewed(alice: User, pat: PatientProfile) -> AuditEvent:
    """The therapist opens the record from the clinic's address."""
    laptop = login(Client(REMOTE_ADDR=CLINIC_IP), alice)
    assert laptop.get(reverse("therapist-record", args=[pat.pk])).status_code == 200
    event = AuditEvent.objects.get(action="patient.viewed")
    assert (event.ip_address, event.detail) == (CLINIC_IP, {"days": 28})
    return event


def test_update_and_delete_are_refused_whichever_way_they_come(viewed: AuditEvent):
    was = row(viewed.pk)
    table = AuditEvent._meta.db_table
    refused(lambda: AuditEvent._base_manager.filter(pk=viewed.pk).update(action="note.added"))
    refused(lambda: AuditEvent._base_manager.filter(pk=viewed.pk).update(actor_email="x@y.z"))
    refused(lambda: AuditEvent._base_manager.filter(pk=viewed.pk).delete())
    refused(
        lambda: raw(f"UPDATE {table} SET detail = %s WHERE id = %s", ['{"days": 1}', viewed.pk])
    )
    refused(lambda: raw(f"UPDATE {table} SET ip_address = NULL WHERE id = %s", [viewed.pk]))
    refused(lambda: raw(f"DELETE FROM {table} WHERE id = %s", [viewed.pk]))
    assert row(viewed.pk) == was


def test_a_link_is_cleared_only_when_what_it_names_is_deleted(clinic: Clinic, viewed: AuditEvent):
    table = AuditEvent._meta.db_table
    was = row(viewed.pk)
    # Clearing the link by hand while the therapist exists is refused at commit.
    refused(lambda: raw(f"UPDATE {table} SET actor_id = NULL WHERE id = %s", [viewed.pk]))
    refused(lambda: raw(f"UPDATE {table} SET patient_id = NULL WHERE id = %s", [viewed.pk]))
    assert row(viewed.pk) == was
    # Deleting a login clears it (ON DELETE SET NULL), and the email stays as written.
    leaver = make_user("leaver@clinic.test", clinic, User.Role.THERAPIST)
    event = audit_record(action="auth.login", actor=leaver)
    leaver.delete()
    assert (row(event.pk)["actor_id"], row(event.pk)["actor_email"]) == (
        None,
        "leaver@clinic.test",
    )


def test_the_setting_allows_only_the_identifying_columns_to_change(viewed: AuditEvent):
    table = AuditEvent._meta.db_table
    was = row(viewed.pk)

    def with_setting(sql: str, params: list[object]):
        def change() -> None:
            raw("SELECT set_config(%s, 'on', true)", [ANONYMISE_SETTING])
            raw(sql, params)

        return change

    refused(with_setting(f"UPDATE {table} SET action = 'note.added' WHERE id = %s", [viewed.pk]))
    refused(with_setting(f"UPDATE {table} SET at = now() WHERE id = %s", [viewed.pk]))
    refused(with_setting(f"UPDATE {table} SET target_id = '9' WHERE id = %s", [viewed.pk]))
    refused(with_setting(f"UPDATE {table} SET clinic_id = NULL WHERE id = %s", [viewed.pk]))
    refused(with_setting(f"UPDATE {table} SET patient_ref = '9' WHERE id = %s", [viewed.pk]))
    refused(with_setting(f"UPDATE {table} SET ip_address = %s WHERE id = %s", [IP, viewed.pk]))
    refused(with_setting(f"DELETE FROM {table} WHERE id = %s", [viewed.pk]))
    # Its own columns may change only for a patient deleted by the time of the commit.
    refused(with_setting(f"UPDATE {table} SET actor_email = 'x' WHERE id = %s", [viewed.pk]))
    refused(lambda: AuditEvent.objects.filter(pk=viewed.pk).anonymise(actor_email="patient #1"))
    assert row(viewed.pk) == was


def test_the_setting_is_on_only_for_the_anonymising_statement(
    pat: PatientProfile, viewed: AuditEvent
):
    table = AuditEvent._meta.db_table
    with pytest.raises(IntegrityError, match="not deleted"), transaction.atomic():
        AuditEvent.objects.filter(pk=viewed.pk).anonymise(detail={})
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting(%s, true)", [ANONYMISE_SETTING])
            assert cursor.fetchone() == ("off",)
        # A later statement of the same transaction gets no further than any other.
        refused(lambda: raw(f"UPDATE {table} SET actor_email = 'x' WHERE id = %s", [viewed.pk]))
        # The patient still exists: the commit refuses the anonymisation itself.
    assert row(viewed.pk)["detail"] == {"days": 28}


def test_the_deletion_anonymises_the_patient_s_events_and_nothing_else(
    alice: User, pat: PatientProfile, viewed: AuditEvent
):
    phone = Client(REMOTE_ADDR=IP)
    phone.post("/login/", {"username": pat.user.email, "password": PASSWORD})
    Client(REMOTE_ADDR=IP).post("/login/", {"username": pat.user.email, "password": "guess"})
    deletion_request_create(patient=pat)
    before = {r["id"]: r for r in AuditEvent.objects.values()}

    [waiting] = pat.deletion_requests.all()
    response = login(Client(), alice).post(
        reverse("therapist-deletion-confirm", args=[waiting.pk]), {"email": pat.user.email}
    )
    assert response.status_code == 302  # committed, past the checks made at commit
    assert not PatientProfile.objects.filter(pk=pat.pk).exists()

    after = {r["id"]: r for r in AuditEvent.objects.values()}
    assert set(before) < set(after)
    identifying = {"actor_email", "detail", "ip_address", "patient_ref"}
    links = {"actor_id", "patient_id"}
    for pk, was in before.items():
        now = after[pk]
        changed = {k for k in was if was[k] != now[k]}
        assert changed <= identifying | links, (was["action"], changed)
        assert now["ip_address"] in (None, CLINIC_IP)
        assert pat.user.email not in str(now)
    assert after[viewed.pk] | {"patient_id": pat.pk} == before[viewed.pk]
