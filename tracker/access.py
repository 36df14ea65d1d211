"""Every lookup of clinical data for a user goes through here.

Outsiders get 404, never 403: a stranger cannot even learn that a record exists.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from tracker.models import DailyCheckin, PatientProfile, Session, User

View = Callable[..., HttpResponse]


def patient_required(view: View) -> View:
    """A patient's own pages: anyone else gets 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.patient = own_patient_profile(request.user)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper


def therapist_required(view: View) -> View:
    """Therapist pages: patients and people outside a clinic get 404."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_therapist and user.clinic_id):  # type: ignore[union-attr]
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def own_patient_profile(user: User | Any) -> PatientProfile:
    if not getattr(user, "is_authenticated", False) or not user.is_patient:
        raise Http404
    try:
        return PatientProfile.objects.select_related("user", "clinic", "therapist").get(user=user)
    except PatientProfile.DoesNotExist as exc:
        raise Http404 from exc


def patients_visible_to(user: User) -> QuerySet[PatientProfile]:
    """A therapist sees the patients of their own clinic; nobody else sees any."""
    if not (user.is_authenticated and user.is_therapist and user.clinic_id):
        return PatientProfile.objects.none()
    return PatientProfile.objects.filter(clinic_id=user.clinic_id)


def patient_for_therapist(user: User, patient_id: int) -> PatientProfile:
    try:
        return patients_visible_to(user).select_related("user", "therapist").get(pk=patient_id)
    except PatientProfile.DoesNotExist as exc:
        raise Http404 from exc


def session_for_patient(patient: PatientProfile, session_id: int) -> Session:
    try:
        return Session.objects.get(pk=session_id, patient=patient)
    except Session.DoesNotExist as exc:
        raise Http404 from exc


def checkin_for_patient(patient: PatientProfile, checkin_id: int) -> DailyCheckin:
    try:
        return DailyCheckin.objects.get(pk=checkin_id, patient=patient)
    except DailyCheckin.DoesNotExist as exc:
        raise Http404 from exc
