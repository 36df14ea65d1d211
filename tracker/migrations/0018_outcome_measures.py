"""Outcome measures: questionnaire versions, the measures a program schedules, the answers
with their scores, goals, and the function_worsening flag kind."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tracker', '0017_clinic_look'),
    ]

    operations = [
        migrations.CreateModel(
            name='Goal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('questionnaire_slug', models.SlugField(default='psfs')),
                ('activity_key', models.CharField(max_length=4)),
                ('activity', models.CharField(max_length=120, verbose_name='activity')),
                ('baseline', models.PositiveSmallIntegerField(verbose_name='baseline')),
                ('target', models.PositiveSmallIntegerField(verbose_name='target')),
                ('target_date', models.DateField(verbose_name='by')),
            ],
            options={
                'ordering': ['target_date', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ProgramMeasure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('at_start', models.BooleanField(default=True, verbose_name='at the start')),
                ('every_days', models.PositiveSmallIntegerField(blank=True, default=14, null=True, verbose_name='then every (days)')),
                ('at_discharge', models.BooleanField(default=True, verbose_name='at discharge')),
                ('activities', models.PositiveSmallIntegerField(default=3, verbose_name='activities to name')),
            ],
            options={
                'ordering': ['id'],
            },
        ),
        migrations.CreateModel(
            name='Questionnaire',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('slug', models.SlugField(verbose_name='slug')),
                ('version', models.PositiveIntegerField(verbose_name='version')),
                ('title', models.CharField(max_length=120, verbose_name='title')),
                ('definition', models.JSONField(verbose_name='definition')),
                ('fingerprint', models.CharField(max_length=64)),
                ('needs_wording', models.BooleanField(default=False, verbose_name='needs its wording loaded')),
                ('built_in', models.BooleanField(default=False, verbose_name='ships with Rehabit')),
                ('loaded_at', models.DateTimeField(auto_now_add=True, verbose_name='loaded')),
            ],
            options={
                'ordering': ['slug', '-version'],
            },
        ),
        migrations.CreateModel(
            name='QuestionnaireResponse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('questionnaire_slug', models.SlugField(editable=False)),
                ('client_id', models.UUIDField(default=uuid.uuid4, verbose_name='client id')),
                ('local_date', models.DateField(verbose_name='answered on')),
                ('due_on', models.DateField(verbose_name='due on')),
                ('occasion', models.CharField(choices=[('start', 'At the start'), ('repeat', 'Follow-up'), ('discharge', 'At discharge')], max_length=10, verbose_name='occasion')),
                ('answers', models.JSONField(default=dict, verbose_name='answers')),
                ('activities', models.JSONField(blank=True, default=dict, verbose_name='activities')),
                ('scores', models.JSONField(default=dict, verbose_name='scores')),
                ('imputed', models.JSONField(blank=True, default=list, verbose_name='imputed items')),
                ('primary_score', models.FloatField(blank=True, null=True, verbose_name='score')),
            ],
            options={
                'ordering': ['local_date', 'id'],
            },
        ),
        migrations.RemoveConstraint(
            model_name='flag',
            name='flag_kind_valid',
        ),
        migrations.AlterField(
            model_name='flag',
            name='kind',
            field=models.CharField(choices=[('pain_rising', 'Pain rising'), ('pain_spike', 'Pain spike'), ('not_settling', 'Pain not settling after sessions'), ('sleep_worsening', 'Sleep worsening'), ('stress_rising', 'Stress rising'), ('adherence_drop', 'Adherence drop'), ('gone_quiet', 'Gone quiet'), ('red_light', 'Red light after a session'), ('function_worsening', 'Function worsening')], max_length=20, verbose_name='kind'),
        ),
        migrations.AddConstraint(
            model_name='flag',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['pain_rising', 'pain_spike', 'not_settling', 'sleep_worsening', 'stress_rising', 'adherence_drop', 'gone_quiet', 'red_light', 'function_worsening'])), name='flag_kind_valid'),
        ),
        migrations.AddField(
            model_name='goal',
            name='clinic',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tracker.clinic'),
        ),
        migrations.AddField(
            model_name='goal',
            name='patient',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='goals', to='tracker.patientprofile'),
        ),
        migrations.AddField(
            model_name='goal',
            name='set_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='programmeasure',
            name='program',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='measures', to='tracker.program'),
        ),
        migrations.AddConstraint(
            model_name='questionnaire',
            constraint=models.UniqueConstraint(fields=('slug', 'version'), name='questionnaire_slug_version'),
        ),
        migrations.AddConstraint(
            model_name='questionnaire',
            constraint=models.CheckConstraint(condition=models.Q(('version__gte', 1)), name='questionnaire_version_from_1'),
        ),
        migrations.AddField(
            model_name='programmeasure',
            name='questionnaire',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='program_measures', to='tracker.questionnaire'),
        ),
        migrations.AddField(
            model_name='questionnaireresponse',
            name='clinic',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='tracker.clinic'),
        ),
        migrations.AddField(
            model_name='questionnaireresponse',
            name='measure',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='responses', to='tracker.programmeasure'),
        ),
        migrations.AddField(
            model_name='questionnaireresponse',
            name='patient',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='questionnaire_responses', to='tracker.patientprofile'),
        ),
        migrations.AddField(
            model_name='questionnaireresponse',
            name='questionnaire',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='responses', to='tracker.questionnaire'),
        ),
        migrations.AddConstraint(
            model_name='goal',
            constraint=models.UniqueConstraint(fields=('patient', 'questionnaire_slug', 'activity_key'), name='goal_one_per_activity'),
        ),
        migrations.AddConstraint(
            model_name='goal',
            constraint=models.CheckConstraint(condition=models.Q(('baseline__gte', 0), ('baseline__lte', 10)), name='goal_baseline_0_10'),
        ),
        migrations.AddConstraint(
            model_name='goal',
            constraint=models.CheckConstraint(condition=models.Q(('target__gte', 0), ('target__lte', 10)), name='goal_target_0_10'),
        ),
        migrations.AddConstraint(
            model_name='goal',
            constraint=models.CheckConstraint(condition=models.Q(('target__gt', models.F('baseline'))), name='goal_target_above_baseline'),
        ),
        migrations.AddConstraint(
            model_name='programmeasure',
            constraint=models.UniqueConstraint(fields=('program', 'questionnaire'), name='program_measure_once'),
        ),
        migrations.AddConstraint(
            model_name='programmeasure',
            constraint=models.CheckConstraint(condition=models.Q(('every_days__isnull', True), models.Q(('every_days__gte', 1), ('every_days__lte', 365)), _connector='OR'), name='program_measure_every_1_365'),
        ),
        migrations.AddConstraint(
            model_name='programmeasure',
            constraint=models.CheckConstraint(condition=models.Q(('activities__gte', 1), ('activities__lte', 5)), name='program_measure_activities_1_5'),
        ),
        migrations.AddConstraint(
            model_name='programmeasure',
            constraint=models.CheckConstraint(condition=models.Q(('at_start', True), ('every_days__isnull', False), ('at_discharge', True), _connector='OR'), name='program_measure_some_occasion'),
        ),
        migrations.AddIndex(
            model_name='questionnaireresponse',
            index=models.Index(fields=['patient', 'local_date'], name='response_patient_day'),
        ),
        migrations.AddConstraint(
            model_name='questionnaireresponse',
            constraint=models.UniqueConstraint(fields=('client_id',), name='response_client_id_unique'),
        ),
        migrations.AddConstraint(
            model_name='questionnaireresponse',
            constraint=models.UniqueConstraint(fields=('patient', 'questionnaire_slug', 'due_on'), name='response_once_per_occasion'),
        ),
        migrations.AddConstraint(
            model_name='questionnaireresponse',
            constraint=models.CheckConstraint(condition=models.Q(('occasion__in', ['start', 'repeat', 'discharge'])), name='response_occasion_valid'),
        ),
        migrations.AddConstraint(
            model_name='questionnaireresponse',
            constraint=models.CheckConstraint(condition=models.Q(('local_date__gte', models.F('due_on'))), name='response_not_before_due'),
        ),
    ]
