"""The therapist's workspace, under /clinic/ (its sign-in and invite pages are accounts.urls)."""

from django.urls import path

from workspace.views import (
    audit,
    caseload,
    clinic,
    data_rights,
    imports,
    library,
    outcomes,
    program_builder,
    record,
)

urlpatterns = [
    path("caseload/", caseload.caseload, name="therapist-caseload"),
    path("overview/", clinic.clinic, name="therapist-clinic"),
    path("look/", clinic.clinic_look, name="therapist-clinic-look"),
    path("flags/", caseload.flags, name="therapist-flags"),
    path("flags/<int:flag_id>/review/", caseload.flag_review, name="therapist-flag-review"),
    path("patients/<int:patient_id>/", record.record, name="therapist-record"),
    path("patients/<int:patient_id>/notes/", record.note_create, name="therapist-note-create"),
    path(
        "patients/<int:patient_id>/export/checkins.csv",
        record.export_checkins,
        name="therapist-export-checkins",
    ),
    path(
        "patients/<int:patient_id>/export/adherence.csv",
        record.export_adherence,
        name="therapist-export-adherence",
    ),
    path(
        "patients/<int:patient_id>/export/sessions.csv",
        record.export_sessions,
        name="therapist-export-sessions",
    ),
    path(
        "patients/<int:patient_id>/export/outcomes.csv",
        record.export_outcomes,
        name="therapist-export-outcomes",
    ),
    path("patients/<int:patient_id>/report/", record.progress_report, name="therapist-report"),
    path("patients/<int:patient_id>/program/", program_builder.builder, name="therapist-program"),
    path(
        "patients/<int:patient_id>/program/handout/",
        program_builder.handout,
        name="therapist-program-handout",
    ),
    path(
        "patients/<int:patient_id>/program/start/",
        program_builder.start,
        name="therapist-program-start",
    ),
    path(
        "patients/<int:patient_id>/program/library/",
        program_builder.library_search,
        name="therapist-program-library",
    ),
    path(
        "programs/<int:program_id>/details/",
        program_builder.details,
        name="therapist-program-details",
    ),
    path(
        "programs/<int:program_id>/add/<int:exercise_id>/",
        program_builder.add_exercise,
        name="therapist-program-add",
    ),
    path(
        "prescriptions/<int:prescription_id>/dosage/",
        program_builder.change_dosage,
        name="therapist-prescription-dosage",
    ),
    path(
        "prescriptions/<int:prescription_id>/move/",
        program_builder.move,
        name="therapist-prescription-move",
    ),
    path(
        "prescriptions/<int:prescription_id>/remove/",
        program_builder.remove,
        name="therapist-prescription-remove",
    ),
    path(
        "programs/<int:program_id>/measures/",
        outcomes.measure_add,
        name="therapist-measure-add",
    ),
    path(
        "measures/<int:measure_id>/stop/",
        outcomes.measure_stop,
        name="therapist-measure-stop",
    ),
    path("patients/<int:patient_id>/goals/", outcomes.goal_add, name="therapist-goal-add"),
    path("goals/<int:goal_id>/remove/", outcomes.goal_delete, name="therapist-goal-remove"),
    path("library/", library.library, name="therapist-library"),
    path("library/new/", library.exercise_edit, name="therapist-exercise-new"),
    path("library/<int:exercise_id>/edit/", library.exercise_edit, name="therapist-exercise-edit"),
    path(
        "library/<int:exercise_id>/media/",
        library.media_add,
        name="therapist-exercise-media-add",
    ),
    path(
        "library/media/<int:media_id>/remove/",
        library.media_remove,
        name="therapist-exercise-media-remove",
    ),
    path(
        "library/media/<int:media_id>/<str:variant>/",
        library.media_file,
        name="therapist-exercise-media",
    ),
    path("import/", imports.import_caseload_view, name="therapist-import"),
    path("import/<uuid:staging_id>/", imports.import_run, name="therapist-import-run"),
    path("import/<uuid:staging_id>/cancel/", imports.import_cancel, name="therapist-import-cancel"),
    path("deletion-requests/", data_rights.deletion_requests, name="therapist-deletion-requests"),
    path(
        "deletion-requests/<int:request_id>/confirm/",
        data_rights.deletion_confirm,
        name="therapist-deletion-confirm",
    ),
    path(
        "deletion-requests/<int:request_id>/decline/",
        data_rights.deletion_decline,
        name="therapist-deletion-decline",
    ),
    path("audit/", audit.audit_log, name="therapist-audit"),
    path("audit/export.csv", audit.audit_export, name="therapist-audit-export"),
    path(
        "notifications/",
        caseload.notification_problems_view,
        name="therapist-notification-problems",
    ),
]
