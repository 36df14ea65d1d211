"""The patient's phone screens, and the app shell that makes them installable and offline-safe."""

from django.urls import path

from .views import data_rights, patient

urlpatterns = [
    path("today/", patient.today, name="patient-today"),
    path("today/session/start/", patient.session_begin, name="patient-session-start"),
    path("today/session/finish/", patient.session_end, name="patient-session-finish"),
    path("today/log/", patient.exercise_log, name="patient-log"),
    path("checkin/", patient.checkin, name="patient-checkin"),
    path("checkins/<int:checkin_id>/", patient.checkin_detail, name="patient-checkin-detail"),
    path("progress/", patient.progress, name="patient-progress"),
    path("settings/", patient.preferences, name="patient-settings"),
    path("settings/timezone/", patient.timezone_detect, name="patient-timezone-detect"),
    path("settings/push/", patient.push_subscribe, name="patient-push-subscribe"),
    path("settings/data/rehabit.json", data_rights.download_json, name="patient-data-json"),
    path("settings/data/rehabit-csv.zip", data_rights.download_csv, name="patient-data-csv"),
    path("settings/deletion/", data_rights.deletion_request, name="patient-deletion-request"),
    path("settings/deletion/cancel/", data_rights.deletion_cancel, name="patient-deletion-cancel"),
    path("exercises/<int:prescribed_id>/", patient.exercise_detail, name="patient-exercise"),
    path("learn/<slug:slug>/", patient.explanation, name="patient-explanation"),
    path("offline/", patient.offline, name="patient-offline"),
    path("manifest.webmanifest", patient.manifest, name="patient-manifest"),
    # At the root, so the worker's scope is the whole site.
    path("sw.js", patient.service_worker, name="service-worker"),
]
