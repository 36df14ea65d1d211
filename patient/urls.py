"""The patient's phone screens, and the app shell that makes them installable and offline-safe."""

from django.urls import path

from patient.views import data_rights, measures, phone

urlpatterns = [
    path("today/", phone.today, name="patient-today"),
    path("today/session/start/", phone.session_begin, name="patient-session-start"),
    path("today/session/finish/", phone.session_end, name="patient-session-finish"),
    path("today/log/", phone.exercise_log, name="patient-log"),
    path("checkin/", phone.checkin, name="patient-checkin"),
    path("checkins/<int:checkin_id>/", phone.checkin_detail, name="patient-checkin-detail"),
    path("measures/<int:measure_id>/", measures.questionnaire, name="patient-questionnaire"),
    path("progress/", phone.progress, name="patient-progress"),
    path("settings/", phone.preferences, name="patient-settings"),
    path("settings/handout/", phone.program_handout, name="patient-handout"),
    path("settings/timezone/", phone.timezone_detect, name="patient-timezone-detect"),
    path("settings/push/", phone.push_subscribe, name="patient-push-subscribe"),
    path("settings/data/rehabit.json", data_rights.download_json, name="patient-data-json"),
    path("settings/data/rehabit-csv.zip", data_rights.download_csv, name="patient-data-csv"),
    path("settings/deletion/", data_rights.deletion_request, name="patient-deletion-request"),
    path("settings/deletion/cancel/", data_rights.deletion_cancel, name="patient-deletion-cancel"),
    path("exercises/<int:prescribed_id>/", phone.exercise_detail, name="patient-exercise"),
    path(
        "exercises/media/<int:media_id>/<str:variant>/",
        phone.exercise_media_file,
        name="patient-exercise-media",
    ),
    path("learn/<slug:slug>/", phone.explanation, name="patient-explanation"),
    path("offline/", phone.offline, name="patient-offline"),
    path("manifest.webmanifest", phone.manifest, name="patient-manifest"),
    # At the root, so the worker's scope is the whole site.
    path("sw.js", phone.service_worker, name="service-worker"),
]
