"""PatientProfile.plan_revision is bumped by the services that change plans, not by triggers.

Every write to a program, a prescription or an exercise in one goes through a service
(tracker.services.prescribing, program_builder, clinic_library, library), and each bumps
the revision with an F() update in the same transaction (``plan_revision_bump``). The
triggers of 0005 are dropped; going back recreates them exactly as 0005 made them.
"""

from importlib import import_module

from django.db import migrations

# The trigger definitions live in 0005 (a module name Python's import statement can't spell).
plan_revision_triggers = import_module("tracker.migrations.0005_plan_revision")


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0009_remove_user_totp_fields"),
    ]

    operations = [
        migrations.RunPython(
            plan_revision_triggers.drop_triggers, plan_revision_triggers.create_triggers
        ),
    ]
