"""The patient's phone screens."""

from django.urls import path

from .views import patient

urlpatterns = [
    path("today/", patient.today, name="patient-today"),
]
