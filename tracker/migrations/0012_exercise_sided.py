"""Sidedness of library exercises: two-legged ones have no side, so none says "each side".

Exercise.sided is new (one side at a time, the default), and Side gains "none". The global
library's two-legged exercises as the library file describes them when this was written
(both legs together or in turn) get no side, and so do their prescriptions and template
items still at "both", the default every prescription was given; their patients' cached
plans are moved on. Logs keep the side they were made with. Going back, "none" reads as
"both" again.
"""

from django.db import migrations, models
from django.db.models import F

TWO_LEGGED = [
    "arm-swing-walking",
    "balance-eyes-closed",
    "calf-raise",
    "chair-squat",
    "full-stride-walking",
    "glute-bridge",
    "heel-to-toe-walking",
    "hip-hinge",
    "joint-by-joint-warm-up",
    "sit-to-stand",
    "stair-descent-practice",
    "step-around-turn",
    "walking-check-in",
]


def no_side_for_two_legged(apps, schema_editor):
    Exercise = apps.get_model("tracker", "Exercise")
    PrescribedExercise = apps.get_model("tracker", "PrescribedExercise")
    ProgramTemplateItem = apps.get_model("tracker", "ProgramTemplateItem")
    PatientProfile = apps.get_model("tracker", "PatientProfile")
    two_legged = Exercise.objects.filter(clinic__isnull=True, slug__in=TWO_LEGGED)
    two_legged.update(sided=False)
    two_legged.filter(default_side="both").update(default_side="none")
    ids = list(two_legged.values_list("pk", flat=True))
    prescriptions = PrescribedExercise.objects.filter(exercise_id__in=ids, side="both")
    patients = list(prescriptions.values_list("program__patient_id", flat=True).distinct())
    prescriptions.update(side="none")
    ProgramTemplateItem.objects.filter(exercise_id__in=ids, side="both").update(side="none")
    PatientProfile.objects.filter(pk__in=patients).update(plan_revision=F("plan_revision") + 1)


def both_again(apps, schema_editor):
    for name, field in (
        ("Exercise", "default_side"),
        ("PrescribedExercise", "side"),
        ("ProgramTemplateItem", "side"),
        ("ExerciseLog", "target_side"),
    ):
        apps.get_model("tracker", name).objects.filter(**{field: "none"}).update(**{field: "both"})


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0011_red_light_flag"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="exercise",
            name="exercise_side_valid",
        ),
        migrations.RemoveConstraint(
            model_name="prescribedexercise",
            name="prescribed_side_valid",
        ),
        migrations.RemoveConstraint(
            model_name="programtemplateitem",
            name="template_item_side_valid",
        ),
        migrations.AddField(
            model_name="exercise",
            name="sided",
            field=models.BooleanField(default=True, verbose_name="one side at a time"),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="default_side",
            field=models.CharField(
                choices=[
                    ("both", "Both sides"),
                    ("left", "Left"),
                    ("right", "Right"),
                    ("none", "No side"),
                ],
                default="both",
                max_length=8,
                verbose_name="side",
            ),
        ),
        migrations.AlterField(
            model_name="exerciselog",
            name="target_side",
            field=models.CharField(
                choices=[
                    ("both", "Both sides"),
                    ("left", "Left"),
                    ("right", "Right"),
                    ("none", "No side"),
                ],
                max_length=8,
            ),
        ),
        migrations.AlterField(
            model_name="prescribedexercise",
            name="side",
            field=models.CharField(
                choices=[
                    ("both", "Both sides"),
                    ("left", "Left"),
                    ("right", "Right"),
                    ("none", "No side"),
                ],
                default="both",
                max_length=8,
                verbose_name="side",
            ),
        ),
        migrations.AlterField(
            model_name="programtemplateitem",
            name="side",
            field=models.CharField(
                choices=[
                    ("both", "Both sides"),
                    ("left", "Left"),
                    ("right", "Right"),
                    ("none", "No side"),
                ],
                default="both",
                max_length=8,
                verbose_name="side",
            ),
        ),
        migrations.AddConstraint(
            model_name="exercise",
            constraint=models.CheckConstraint(
                condition=models.Q(("default_side__in", ["both", "left", "right", "none"])),
                name="exercise_side_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="prescribedexercise",
            constraint=models.CheckConstraint(
                condition=models.Q(("side__in", ["both", "left", "right", "none"])),
                name="prescribed_side_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="programtemplateitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("side__in", ["both", "left", "right", "none"])),
                name="template_item_side_valid",
            ),
        ),
        migrations.RunPython(no_side_for_two_legged, both_again),
    ]
