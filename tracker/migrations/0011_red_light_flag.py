"""A red-light flag: a session that ended with pain in the red of the traffic light."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracker", "0010_plan_revision_bumped_by_services"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="flag",
            name="flag_kind_valid",
        ),
        migrations.AlterField(
            model_name="flag",
            name="kind",
            field=models.CharField(
                choices=[
                    ("pain_rising", "Pain rising"),
                    ("pain_spike", "Pain spike"),
                    ("not_settling", "Pain not settling after sessions"),
                    ("sleep_worsening", "Sleep worsening"),
                    ("stress_rising", "Stress rising"),
                    ("adherence_drop", "Adherence drop"),
                    ("gone_quiet", "Gone quiet"),
                    ("red_light", "Red light after a session"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.AddConstraint(
            model_name="flag",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "kind__in",
                        [
                            "pain_rising",
                            "pain_spike",
                            "not_settling",
                            "sleep_worsening",
                            "stress_rising",
                            "adherence_drop",
                            "gone_quiet",
                            "red_light",
                        ],
                    )
                ),
                name="flag_kind_valid",
            ),
        ),
    ]
