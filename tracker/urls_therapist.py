"""The therapist's workspace, under /clinic/."""

from django.urls import path

from .views import (
    audit,
    data_rights,
    imports,
    invites,
    library,
    program_builder,
    record,
    therapist,
    two_factor,
)

urlpatterns = [
    path("caseload/", therapist.caseload, name="therapist-caseload"),
    path("flags/", therapist.flags, name="therapist-flags"),
    path("flags/<int:flag_id>/review/", therapist.flag_review, name="therapist-flag-review"),
    path("patients/invite/", invites.invite, name="therapist-invite"),
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
    path("patients/<int:patient_id>/report/", record.progress_report, name="therapist-report"),
    path(
        "patients/<int:patient_id>/invite/resend/", invites.resend, name="therapist-invite-resend"
    ),
    path(
        "patients/<int:patient_id>/invite/revoke/", invites.revoke, name="therapist-invite-revoke"
    ),
    path("patients/<int:patient_id>/program/", program_builder.builder, name="therapist-program"),
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
    path("library/", library.library, name="therapist-library"),
    path("library/new/", library.exercise_edit, name="therapist-exercise-new"),
    path("library/<int:exercise_id>/edit/", library.exercise_edit, name="therapist-exercise-edit"),
    path("import/", imports.import_caseload_view, name="therapist-import"),
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
        therapist.notification_problems_view,
        name="therapist-notification-problems",
    ),
    path("account/two-factor/", two_factor.account, name="therapist-two-factor"),
    path("account/two-factor/setup/", two_factor.setup, name="therapist-two-factor-setup"),
    path("account/two-factor/confirm/", two_factor.confirm, name="therapist-two-factor-confirm"),
    path("account/two-factor/disable/", two_factor.disable, name="therapist-two-factor-disable"),
    path(
        "account/two-factor/recovery-codes/",
        two_factor.recovery_codes,
        name="therapist-two-factor-recovery-codes",
    ),
    path("security/", two_factor.security, name="therapist-security"),
    path("security/require/", two_factor.security_require, name="therapist-security-require"),
    path(
        "security/therapists/<int:therapist_id>/reset/",
        two_factor.reset,
        name="therapist-two-factor-reset",
    ),
]
