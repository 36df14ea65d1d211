"""PatientProfile.plan_revision, kept by the database itself.

Today keeps the prescriptions it read for a patient until their plan changes. To know when
it changes, triggers bump the patient's revision on any insert, update or delete of one of
their programs or prescriptions, and on any change to an exercise in their prescriptions.
Triggers rather than Django signals: a queryset ``.update()``, a bulk write, the admin or a
fix made by hand in SQL would all slip past a signal, and a stale plan must never be shown.
"""

from django.db import migrations, models

BUMP = "UPDATE tracker_patientprofile SET plan_revision = plan_revision + 1 WHERE id IN ({})"
PATIENT_OF_PROGRAM = "SELECT patient_id FROM tracker_program WHERE id = {}.program_id"
PATIENTS_OF_EXERCISE = (
    "SELECT pr.patient_id FROM tracker_program pr"
    " JOIN tracker_prescribedexercise pe ON pe.program_id = pr.id"
    " WHERE pe.exercise_id = NEW.id"
)

# (table, operation, patients whose plan changed: "{row}" is NEW or OLD)
CHANGES = [
    ("tracker_program", "INSERT", ["NEW.patient_id"]),
    ("tracker_program", "UPDATE", ["NEW.patient_id", "OLD.patient_id"]),
    ("tracker_program", "DELETE", ["OLD.patient_id"]),
    ("tracker_prescribedexercise", "INSERT", [PATIENT_OF_PROGRAM.format("NEW")]),
    (
        "tracker_prescribedexercise",
        "UPDATE",
        [PATIENT_OF_PROGRAM.format("NEW"), PATIENT_OF_PROGRAM.format("OLD")],
    ),
    ("tracker_prescribedexercise", "DELETE", [PATIENT_OF_PROGRAM.format("OLD")]),
    ("tracker_exercise", "UPDATE", [PATIENTS_OF_EXERCISE]),
]


def _name(table: str, operation: str) -> str:
    return f"{table}_plan_revision_{operation.lower()}"


def _bumps(patients: list[str]) -> str:
    return " ".join(f"{BUMP.format(patient)};" for patient in patients)


def sqlite_create(table: str, operation: str, patients: list[str]) -> list[str]:
    name = _name(table, operation)
    return [
        f"CREATE TRIGGER {name} AFTER {operation} ON {table} FOR EACH ROW "
        f"BEGIN {_bumps(patients)} END"
    ]


def postgresql_create(table: str, operation: str, patients: list[str]) -> list[str]:
    name = _name(table, operation)
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {_bumps(patients)} RETURN NULL; END $$",
        f"CREATE TRIGGER {name} AFTER {operation} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def create_triggers(apps, schema_editor):
    make = {"sqlite": sqlite_create, "postgresql": postgresql_create}.get(
        schema_editor.connection.vendor
    )
    if make is None:
        raise RuntimeError("Rehabit runs on SQLite or PostgreSQL")
    for change in CHANGES:
        for statement in make(*change):
            schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, operation, _patients in CHANGES:
        name = _name(table, operation)
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}", params=None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()", params=None)
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0004_exercise_log_adherence_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="patientprofile",
            name="plan_revision",
            field=models.PositiveBigIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
