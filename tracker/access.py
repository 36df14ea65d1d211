"""Every lookup of clinical data for a user goes through here.

Outsiders get 404, never 403: a stranger cannot even learn that a record exists. The same
holds for clinic-admin pages: a therapist who is not an admin gets 404 there too, so the
answer never differs between "not allowed" and "not there".
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.views.decorators.cache import never_cache
from django_htmx.http import HttpResponseClientRedirect

from tracker.models import (
    DailyCheckin,
    DeletionRequest,
    Exercise,
    ExerciseMedia,
    Flag,
    Goal,
    ImportStaging,
    PatientProfile,
    PrescribedExercise,
    Program,
    ProgramMeasure,
    ProgramTemplate,
    Session,
    User,
)

View = Callable[..., HttpResponse]


def patient_required(view: View) -> View:
    """A patient's own pages: anyone else gets 404."""

    @wraps(view)
    def with_patient(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        request.patient = own_patient_profile(request.user)  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    logged_in = login_required(with_patient)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated and getattr(request, "htmx", False):
            # A fragment request after the login expired: swapping the login page into a
            # fragment would be nonsense, so the whole page goes to log in.
            back = request.htmx.current_url_abs_path or request.get_full_path()  # type: ignore[attr-defined]
            return HttpResponseClientRedirect(
                f"{resolve_url(settings.LOGIN_URL)}?next={quote(back)}"
            )
        return logged_in(request, *args, **kwargs)

    return wrapper


def therapist_required(view: View) -> View:
    """Therapist pages: patients and people outside a clinic get 404.

    Every workspace page shows patients' data or the clinic's, often on a shared computer:
    none may stay in the browser's cache (or a proxy's) for the next person to page back to.
    """

    @never_cache
    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_therapist and user.clinic_id):  # type: ignore[union-attr]
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def clinic_admin_required(view: View) -> View:
    """Clinic-admin pages: everyone else, therapists included, gets 404."""

    @therapist_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_clinic_admin:  # type: ignore[union-attr]
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def own_patient_profile(user: User | Any) -> PatientProfile:
    if not getattr(user, "is_authenticated", False) or not user.is_patient:
        raise Http404
    try:
        # Loaded with the user by the authentication backend (no query of its own).
        profile = user.patient_profile
    except PatientProfile.DoesNotExist as exc:
        raise Http404 from exc
    profile.user = user
    if user.clinic_id == profile.clinic_id and User.clinic.is_cached(user):
        profile.clinic = user.clinic
    return profile


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


def import_staging_for_admin(user: User, staging_id: uuid.UUID) -> ImportStaging:
    """Checked import files, for an admin of the clinic they were uploaded to; else 404."""
    if not (_is_clinic_therapist(user) and user.is_clinic_admin):
        raise Http404
    try:
        return ImportStaging.objects.select_related("clinic", "therapist").get(
            pk=staging_id, clinic_id=user.clinic_id
        )
    except ImportStaging.DoesNotExist as exc:
        raise Http404 from exc


def _is_clinic_therapist(user: User | Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_therapist and user.clinic_id)


def therapists_of_clinic(user: User) -> QuerySet[User]:
    """The therapists a user may assign patients to: those of their own clinic."""
    if not _is_clinic_therapist(user):
        return User.objects.none()
    return User.objects.filter(
        clinic_id=user.clinic_id, role=User.Role.THERAPIST, is_active=True
    ).order_by("full_name", "email")


def flags_visible_to(user: User) -> QuerySet[Flag]:
    if not _is_clinic_therapist(user):
        return Flag.objects.none()
    return Flag.objects.filter(clinic_id=user.clinic_id, patient__clinic_id=user.clinic_id)


def flag_for_therapist(user: User, flag_id: int) -> Flag:
    try:
        return flags_visible_to(user).select_related("patient__user").get(pk=flag_id)
    except Flag.DoesNotExist as exc:
        raise Http404 from exc


def program_for_therapist(user: User, program_id: int) -> Program:
    if not _is_clinic_therapist(user):
        raise Http404
    try:
        return Program.objects.select_related("patient__user").get(
            pk=program_id, clinic_id=user.clinic_id, patient__clinic_id=user.clinic_id
        )
    except Program.DoesNotExist as exc:
        raise Http404 from exc


def prescription_for_therapist(user: User, prescription_id: int) -> PrescribedExercise:
    if not _is_clinic_therapist(user):
        raise Http404
    try:
        return PrescribedExercise.objects.select_related("program__patient__user", "exercise").get(
            pk=prescription_id,
            program__clinic_id=user.clinic_id,
            program__patient__clinic_id=user.clinic_id,
        )
    except PrescribedExercise.DoesNotExist as exc:
        raise Http404 from exc


def exercises_visible_to(user: User) -> QuerySet[Exercise]:
    """The global library plus the user's own clinic's exercises."""
    if not _is_clinic_therapist(user):
        return Exercise.objects.none()
    return Exercise.objects.filter(Q(clinic__isnull=True) | Q(clinic_id=user.clinic_id))


def exercise_for_therapist(user: User, exercise_id: int) -> Exercise:
    try:
        return exercises_visible_to(user).get(pk=exercise_id)
    except Exercise.DoesNotExist as exc:
        raise Http404 from exc


def clinic_exercise_for_therapist(user: User, exercise_id: int) -> Exercise:
    """An exercise the user's clinic added itself: the only kind a therapist may edit."""
    if not _is_clinic_therapist(user):
        raise Http404
    try:
        return Exercise.objects.get(pk=exercise_id, clinic_id=user.clinic_id)
    except Exercise.DoesNotExist as exc:
        raise Http404 from exc


def templates_visible_to(user: User) -> QuerySet[ProgramTemplate]:
    if not _is_clinic_therapist(user):
        return ProgramTemplate.objects.none()
    return ProgramTemplate.objects.filter(Q(clinic__isnull=True) | Q(clinic_id=user.clinic_id))


def template_for_therapist(user: User, template_id: int) -> ProgramTemplate:
    try:
        return templates_visible_to(user).get(pk=template_id)
    except ProgramTemplate.DoesNotExist as exc:
        raise Http404 from exc


def session_for_patient_by_client_id(
    patient: PatientProfile, client_id: uuid.UUID
) -> Session | None:
    """The patient's session made under this phone-generated id; None if there is none yet.

    An id that belongs to somebody else's session is a 404, as for any other lookup.
    """
    try:
        session = Session.objects.get(client_id=client_id)
    except Session.DoesNotExist:
        return None
    if session.patient_id != patient.pk:
        raise Http404
    return session


def prescription_for_patient(patient: PatientProfile, prescribed_id: int) -> PrescribedExercise:
    """One version of an exercise prescribed to this patient, in any of their programs.

    Read by key with its exercise and program, then checked to be the patient's own. (A tick
    first looks in the plan Today keeps in the cache: see ``selectors.plan.kept_prescription``.)
    """
    try:
        prescribed = PrescribedExercise.objects.select_related("exercise", "program").get(
            pk=prescribed_id
        )
    except PrescribedExercise.DoesNotExist as exc:
        raise Http404 from exc
    if prescribed.program.patient_id != patient.pk:
        raise Http404
    return prescribed


def clinic_therapist_for_admin(user: User, therapist_id: int) -> User:
    """Another therapist of a clinic admin's own clinic. The admin's own account is not one
    of them (they change their own sign-in on their own account page, with their password)."""
    if not (_is_clinic_therapist(user) and user.is_clinic_admin) or therapist_id == user.pk:
        raise Http404
    try:
        return User.objects.get(pk=therapist_id, clinic_id=user.clinic_id, role=User.Role.THERAPIST)
    except User.DoesNotExist as exc:
        raise Http404 from exc


def deletion_request_for_admin(user: User, request_id: int) -> DeletionRequest:
    """A request to delete a patient's data, for a clinic admin of the patient's clinic."""
    if not (_is_clinic_therapist(user) and user.is_clinic_admin):
        raise Http404
    try:
        return DeletionRequest.objects.select_related("patient__user").get(
            pk=request_id, clinic_id=user.clinic_id, patient__clinic_id=user.clinic_id
        )
    except DeletionRequest.DoesNotExist as exc:
        raise Http404 from exc


def media_for_therapist(user: User, media_id: int) -> ExerciseMedia:
    """A picture or video of one of the user's clinic's exercises."""
    if not _is_clinic_therapist(user):
        raise Http404
    try:
        return ExerciseMedia.objects.get(pk=media_id, clinic_id=user.clinic_id)
    except ExerciseMedia.DoesNotExist as exc:
        raise Http404 from exc


def media_for_patient(patient: PatientProfile, media_id: int) -> ExerciseMedia:
    """A picture or video of an exercise prescribed to this patient, in any of their programs
    (a past one's exercise page still opens), from their own clinic."""
    prescribed = PrescribedExercise.objects.filter(program__patient=patient).values("exercise_id")
    found = ExerciseMedia.objects.filter(
        pk=media_id, clinic_id=patient.clinic_id, exercise_id__in=prescribed
    ).first()
    if found is None:
        raise Http404
    return found


def measure_for_therapist(user: User, measure_id: int) -> ProgramMeasure:
    if not _is_clinic_therapist(user):
        raise Http404
    try:
        return ProgramMeasure.objects.select_related("program__patient__user", "questionnaire").get(
            pk=measure_id,
            program__clinic_id=user.clinic_id,
            program__patient__clinic_id=user.clinic_id,
        )
    except ProgramMeasure.DoesNotExist as exc:
        raise Http404 from exc


def goal_for_therapist(user: User, goal_id: int) -> Goal:
    if not _is_clinic_therapist(user):
        raise Http404
    try:
        return Goal.objects.select_related("patient__user").get(
            pk=goal_id, clinic_id=user.clinic_id, patient__clinic_id=user.clinic_id
        )
    except Goal.DoesNotExist as exc:
        raise Http404 from exc
