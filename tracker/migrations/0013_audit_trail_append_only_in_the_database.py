"""The audit trail is append-only in PostgreSQL itself, not only through the ORM.

``AuditEvent`` refuses ``save()`` on an existing row, ``delete()`` and queryset updates and
deletes, but any other path to the table (``_base_manager``, raw SQL, a fix typed into
psql) could still rewrite it. Two triggers make the database refuse it:

- ``tracker_auditevent_guard`` (BEFORE UPDATE OR DELETE, per row) refuses every DELETE and
  every UPDATE, except two kinds of change:
  * a link (``actor_id``, ``patient_id``, ``clinic_id``) cleared to NULL: what ON DELETE
    SET NULL does when the person, patient or clinic it names is deleted;
  * the anonymisation of a deleted patient (``AuditEventQuerySet.anonymise``): with the
    transaction-local setting ``rehabit.audit_anonymise`` on, ``actor_email`` and
    ``detail`` may be rewritten, ``ip_address`` only removed, ``patient_ref`` only filled
    in where it was empty. The time, the action, the target and the clinic never change.
- ``tracker_auditevent_settled`` (a constraint trigger, checked at commit) undoes both
  exceptions unless they were what they claim: a cleared link must name a row that is gone
  by the end of the transaction, and an anonymised row must name a patient whose profile
  is gone. So the setting lets nobody rewrite the trail of a patient who still exists.

TRUNCATE is a table-wide operation for the database's owner (the test suite's flush uses
it) and fires no row trigger. SQLite, the development default, keeps the ORM's guard only.
"""

from django.db import migrations

FLAG = "rehabit.audit_anonymise"
REFUSED = "23000"  # integrity_constraint_violation: psycopg raises IntegrityError


def _tables(apps) -> dict[str, str]:
    return {
        name: apps.get_model("tracker", name)._meta.db_table
        for name in ("AuditEvent", "User", "PatientProfile", "Clinic")
    }


def statements(tables: dict[str, str]) -> list[str]:
    audit, user, profile, clinic = (
        tables["AuditEvent"],
        tables["User"],
        tables["PatientProfile"],
        tables["Clinic"],
    )
    refuse = f"RAISE EXCEPTION USING ERRCODE = '{REFUSED}', MESSAGE ="
    guard = f"""
CREATE OR REPLACE FUNCTION {audit}_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        {refuse} 'The audit trail is append-only: event ' || OLD.id || ' cannot be deleted.';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.at IS DISTINCT FROM OLD.at
       OR NEW.action IS DISTINCT FROM OLD.action
       OR NEW.target_type IS DISTINCT FROM OLD.target_type
       OR NEW.target_id IS DISTINCT FROM OLD.target_id
       OR (NEW.actor_id IS DISTINCT FROM OLD.actor_id AND NEW.actor_id IS NOT NULL)
       OR (NEW.patient_id IS DISTINCT FROM OLD.patient_id AND NEW.patient_id IS NOT NULL)
       OR (NEW.clinic_id IS DISTINCT FROM OLD.clinic_id AND NEW.clinic_id IS NOT NULL) THEN
        {refuse} 'The audit trail is append-only: event ' || OLD.id || ' cannot be changed.';
    END IF;
    IF NEW.actor_email IS DISTINCT FROM OLD.actor_email
       OR NEW.detail IS DISTINCT FROM OLD.detail
       OR NEW.ip_address IS DISTINCT FROM OLD.ip_address
       OR NEW.patient_ref IS DISTINCT FROM OLD.patient_ref THEN
        IF coalesce(current_setting('{FLAG}', true), '') <> 'on'
           OR (NEW.ip_address IS NOT NULL AND NEW.ip_address IS DISTINCT FROM OLD.ip_address)
           OR (OLD.patient_ref <> '' AND NEW.patient_ref IS DISTINCT FROM OLD.patient_ref)
           OR NEW.patient_ref = '' THEN
            {refuse} 'The audit trail is append-only: event ' || OLD.id
                || ' changes only when a deleted patient''s identifiers are removed.';
        END IF;
    END IF;
    RETURN NEW;
END $$"""
    settled = f"""
CREATE OR REPLACE FUNCTION {audit}_settled() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
            AND EXISTS (SELECT 1 FROM {user} WHERE id = OLD.actor_id))
       OR (NEW.patient_id IS NULL AND OLD.patient_id IS NOT NULL
            AND EXISTS (SELECT 1 FROM {profile} WHERE id = OLD.patient_id))
       OR (NEW.clinic_id IS NULL AND OLD.clinic_id IS NOT NULL
            AND EXISTS (SELECT 1 FROM {clinic} WHERE id = OLD.clinic_id)) THEN
        {refuse} 'The audit trail is append-only: event ' || OLD.id
            || ' lost a link to a row that still exists.';
    END IF;
    IF (NEW.actor_email IS DISTINCT FROM OLD.actor_email
            OR NEW.detail IS DISTINCT FROM OLD.detail
            OR NEW.ip_address IS DISTINCT FROM OLD.ip_address
            OR NEW.patient_ref IS DISTINCT FROM OLD.patient_ref)
       AND (NEW.patient_ref !~ '^[0-9]{{1,18}}$'
            OR EXISTS (SELECT 1 FROM {profile} WHERE id = NEW.patient_ref::bigint)) THEN
        {refuse} 'The audit trail is append-only: event ' || OLD.id
            || ' was anonymised, but its patient was not deleted.';
    END IF;
    RETURN NULL;
END $$"""
    return [
        guard,
        f"CREATE TRIGGER {audit}_guard BEFORE UPDATE OR DELETE ON {audit} "
        f"FOR EACH ROW EXECUTE FUNCTION {audit}_guard()",
        settled,
        f"CREATE CONSTRAINT TRIGGER {audit}_settled AFTER UPDATE ON {audit} "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION "
        f"{audit}_settled()",
    ]


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements(_tables(apps)):
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    audit = _tables(apps)["AuditEvent"]
    for name in ("guard", "settled"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {audit}_{name} ON {audit}", params=None)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {audit}_{name}()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0012_exercise_sided"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
