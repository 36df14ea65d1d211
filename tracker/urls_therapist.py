"""The therapist's workspace, under /clinic/."""

from django.urls import path

from .views import therapist

urlpatterns = [
    path("caseload/", therapist.caseload, name="therapist-caseload"),
]
