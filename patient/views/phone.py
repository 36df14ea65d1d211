"""The patient's phone screens: Today, the check-in, progress, settings, and the PWA shell.

Each page is one template whose fragments are ``{% partialdef %}`` blocks: an htmx request
gets ``page.html#fragment``, anything else the whole page (and a redirect after a POST).
Views stay thin: a form validates, an access helper authorizes, a service writes.
Invalid input answers 422 with the fragment re-rendered around what the patient entered;
patient.js tells htmx to swap 422s, and the phone's outbox treats them as final.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from patient.forms import (
    CheckinForm,
    DeletionRequestForm,
    ExerciseLogForm,
    PreferencesForm,
    SessionFinishForm,
    SessionStartForm,
    TimezoneDetectForm,
)
from tracker.access import (
    checkin_for_patient,
    media_for_patient,
    patient_required,
    prescription_for_patient,
    session_for_patient_by_client_id,
)
from tracker.content import explanations_by_slug
from tracker.guidance import TrafficLight, traffic_light
from tracker.media.serving import media_response
from tracker.models import (
    DailyCheckin,
    ExerciseLog,
    PatientProfile,
    Session,
    Symptom,
)
from tracker.selectors.data_rights import deletion_status
from tracker.selectors.handout import program_handout as program_handout_of
from tracker.selectors.media import media_of_exercise
from tracker.selectors.outcomes import due_measures, goals_with_progress, measure_histories
from tracker.selectors.plan import PlanItem, TodaySummary, kept_prescription, today_for_patient
from tracker.selectors.progress import progress_for_patient
from tracker.selectors.trends import clinic_thresholds
from tracker.services.logbook import (
    checkin_record,
    exercise_log_record,
    session_finish,
    session_start,
)
from tracker.services.preferences import (
    DEFAULT_TIMEZONE,
    patient_preferences_update,
    patient_timezone_detected,
)
from tracker.services.push import (
    PushEndpointTaken,
    push_subscription_delete,
    push_subscription_save,
    session_push_mark,
)

TODAY = "patient/today.html"
CHECKIN = "patient/checkin.html"
SETTINGS = "patient/settings.html"
INVALID = 422  # the fragment comes back with messages beside the fields
EXPLANATIONS_BY_SLUG = explanations_by_slug()
# Which explanation an exercise page points to, by category.
CATEGORY_EXPLANATION = {
    "neural_glide": "why-nerve-glides-are-gentle",
    "mobility": "moving-joints-instead-of-foam-rolling",
    "motor_control": "strength-and-control",
    "strength": "strength-and-control",
    "gait": "hip-ankle-foot-back-and-the-knee",
}


def _patient(request: HttpRequest) -> PatientProfile:
    return request.patient  # type: ignore[attr-defined]


def _today(patient: PatientProfile, day: date) -> TodaySummary:
    """Today for the request's own patient: loaded with this request, so its plan revision
    is current and the plan read for it before can be used again."""
    return today_for_patient(patient, day, keep_plan=True)


def _page(
    request: HttpRequest,
    template: str,
    fragment: str,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    """The fragment for htmx, the whole page otherwise."""
    name = f"{template}#{fragment}" if request.htmx else template  # type: ignore[attr-defined]
    if request.htmx and fragment == "session":  # type: ignore[attr-defined]
        # The finish sits after the exercises: it comes along out of band, to match.
        context = context | {"end_oob": True}
    return render(request, name, context, status=status)


def _page_context(patient: PatientProfile, nav: str, day: date | None = None) -> dict[str, Any]:
    """What _base.html needs: the patient, their day, the current tab."""
    return {
        "patient": patient,
        "day": day or patient.local_today(),
        "nav": nav,
        "detect_timezone": patient.timezone == DEFAULT_TIMEZONE,
        "symptom_choices": Symptom.choices,
        # Every exercise on Today posts here; reversed once rather than twice per exercise.
        "log_url": reverse("patient-log"),
    }


# --- Today --------------------------------------------------------------------------------


@dataclass
class PlanRow:
    """One occurrence on Today with what its details form should show."""

    item: PlanItem
    form: ExerciseLogForm | None = None
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def errors(self) -> Any:
        return self.form.errors if self.form is not None else {}

    @property
    def has_details(self) -> bool:
        """Details to print in place; otherwise the page's one blank copy is used."""
        return self.form is not None or any(value not in ("", []) for value in self.values.values())

    @property
    def general_errors(self) -> list[str]:
        """Errors not about one detail field: shown beside the Done and Skip buttons."""
        if self.form is None:
            return []
        general = ("__all__", "local_date", "session_client_id", "status", "occurrence")
        return [message for name in general for message in self.form.errors.get(name, [])]


def _plan_row(item: PlanItem, form: ExerciseLogForm | None = None) -> PlanRow:
    if form is not None and form.is_bound:
        data = form.data
        values = {
            name: data.get(name, "")
            for name in ("sets_done", "reps_done", "hold_seconds_done", "pain_during")
        }
        values["symptoms"] = data.getlist("symptoms") if hasattr(data, "getlist") else []
        values["skip_reason"] = data.get("skip_reason", "")
        return PlanRow(item=item, form=form, values=values)
    log = item.log
    return PlanRow(
        item=item,
        values={
            "sets_done": "" if log is None or log.sets_done is None else log.sets_done,
            "reps_done": "" if log is None or log.reps_done is None else log.reps_done,
            "hold_seconds_done": ""
            if log is None or log.hold_seconds_done is None
            else log.hold_seconds_done,
            "pain_during": "" if log is None or log.pain_during is None else log.pain_during,
            "symptoms": list(log.symptoms) if log is not None else [],
            "skip_reason": log.skip_reason if log is not None else "",
        },
    )


def _light_for(session: Session | None, patient: PatientProfile) -> TrafficLight | None:
    if session is None or session.pain_after is None:
        return None
    return traffic_light(
        session.pain_after,
        amber_from=patient.clinic.traffic_amber_from,
        red_from=patient.clinic.traffic_red_from,
        red_flags_therapist=clinic_thresholds(patient.clinic).red_light_flag,
    )


def _today_context(
    patient: PatientProfile,
    summary: TodaySummary,
    **extra: Any,
) -> dict[str, Any]:
    open_session = summary.open_session
    context = _page_context(patient, "today", summary.day)
    context.update(
        {
            "summary": summary,
            "rows": [_plan_row(item) for item in summary.plan],
            # The id the next session will be made under. A fresh page mints a new one in the
            # browser too (patient.js), so a page shown again from the phone's cache never
            # reuses an id that is already spent.
            "session_client_id": open_session.client_id if open_session else uuid.uuid4(),
            "session_is_new": open_session is None,
            "light": _light_for(summary.finished_session, patient) if not open_session else None,
            "start_form": None,
            "finish_form": None,
        }
    )
    context.update(extra)
    return context


@require_GET
@never_cache
@patient_required
def today(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    summary = _today(patient, patient.local_today())
    context = _today_context(patient, summary)
    # Read on the page only, not on each tick: a questionnaire falls due by the day.
    context["due_measures"] = due_measures(patient, summary.day)
    return render(request, TODAY, context)


def _session_for(patient: PatientProfile, client_id: uuid.UUID, day: date) -> Session:
    """The session this phone id names, opened now if the first thing sent was a tick."""
    session = session_for_patient_by_client_id(patient, client_id)
    if session is None:
        session = session_start(
            patient=patient, client_id=client_id, pain_before=None, local_date=day
        )
    return session


def _after_post(request: HttpRequest, anchor: str = "") -> HttpResponse:
    """Without htmx: back to the page, so a reload never resubmits."""
    return HttpResponseRedirect(reverse("patient-today") + (f"#{anchor}" if anchor else ""))


@require_POST
@vary_on_headers("HX-Request")
@patient_required
def session_begin(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    today_ = patient.local_today()
    form = SessionStartForm(request.POST, today=today_)
    if form.is_valid():
        day = form.cleaned_data["local_date"]
        client_id = form.cleaned_data["session_client_id"]
        session_for_patient_by_client_id(patient, client_id)  # somebody else's id: 404
        session_start(
            patient=patient,
            client_id=client_id,
            pain_before=form.cleaned_data["pain_before"],
            local_date=day,
        )
        if not request.htmx:  # type: ignore[attr-defined]
            return _after_post(request, "session")
        summary = _today(patient, day)
        return _page(request, TODAY, "session", _today_context(patient, summary))
    summary = _today(patient, today_)
    context = _today_context(
        patient,
        summary,
        start_form=form,
        session_client_id=request.POST.get("session_client_id") or uuid.uuid4(),
    )
    return _page(request, TODAY, "session", context, status=INVALID)


@require_POST
@vary_on_headers("HX-Request")
@patient_required
def session_end(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    today_ = patient.local_today()
    form = SessionFinishForm(request.POST, today=today_)
    if form.is_valid():
        day = form.cleaned_data["local_date"]
        session = _session_for(patient, form.cleaned_data["session_client_id"], day)
        session_finish(
            session=session,
            pain_after=form.cleaned_data["pain_after"],
            notes=form.cleaned_data["notes"].strip(),
        )
        if not request.htmx:  # type: ignore[attr-defined]
            return _after_post(request, "session")
        summary = _today(patient, day)
        context = _today_context(
            patient, summary, light=_light_for(session, patient), just_finished=True
        )
        return _page(request, TODAY, "session", context)
    summary = _today(patient, today_)
    context = _today_context(
        patient,
        summary,
        finish_form=form,
        session_client_id=request.POST.get("session_client_id") or uuid.uuid4(),
        session_is_new=summary.open_session is None,
    )
    return _page(request, TODAY, "session", context, status=INVALID)


@require_POST
@vary_on_headers("HX-Request")
@patient_required
def exercise_log(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    today_ = patient.local_today()
    form = ExerciseLogForm(request.POST, today=today_)
    try:
        prescribed_id = int(request.POST.get("prescribed", ""))
        occurrence = int(request.POST.get("occurrence", ""))
    except ValueError as exc:
        raise Http404 from exc
    # A tick names a version of the plan Today just showed, almost always: that plan is in
    # the cache, and it is the patient's own by construction.
    prescribed = kept_prescription(patient, today_, prescribed_id) or prescription_for_patient(
        patient, prescribed_id
    )
    day = today_
    log: ExerciseLog | None = None
    session: Session | None = None
    if form.is_valid():
        day = form.cleaned_data["local_date"]
        try:
            # One unit: a tick that is refused leaves no empty session behind it either.
            with transaction.atomic():
                session = _session_for(patient, form.cleaned_data["session_client_id"], day)
                log = exercise_log_record(
                    session=session,
                    prescribed=prescribed,
                    occurrence=form.cleaned_data["occurrence"],
                    status=form.cleaned_data["status"],
                    details=form.details(),
                )
        except ValidationError as error:
            form.add_error(None, error)
    if form.is_valid() and not request.htmx:  # type: ignore[attr-defined]
        return _after_post(request, PlanItem(prescribed, occurrence, log).dom_id)
    if log is None:
        log = ExerciseLog.objects.filter(
            patient=patient, line=prescribed.line, local_date=day, occurrence=occurrence
        ).first()
    item = PlanItem(prescribed=prescribed, occurrence=occurrence, log=log)
    if form.errors:
        row = _plan_row(item, form)
        context = _today_context(patient, _today(patient, day), row=row)
        # The whole page (without htmx) shows the same messages in the same place.
        context["rows"] = [row if r.item.dom_id == item.dom_id else r for r in context["rows"]]
        return _page(request, TODAY, "item", context, status=INVALID)
    # Just the item: patient.js recounts the "n of m logged" line from the items on the page,
    # so the day's plan is not read again for it.
    context = _page_context(patient, "today", day) | {
        "row": _plan_row(item),
        "session_client_id": session.client_id if session is not None else uuid.uuid4(),
    }
    return render(request, f"{TODAY}#item", context)


# --- Daily check-in ---------------------------------------------------------------------------


def _checkin_context(
    patient: PatientProfile,
    day: date,
    form: CheckinForm | None,
    *,
    just_saved: DailyCheckin | None = None,
    **extra: Any,
) -> dict[str, Any]:
    context = _page_context(patient, "checkin", day)
    if just_saved is not None and just_saved.local_date == day:
        # Only the form comes back after a save, around the row just written: nothing to
        # read again (yesterday's card is drawn on the whole page only).
        today_checkin, yesterday_checkin = just_saved, None
    else:
        earlier = list(
            DailyCheckin.objects.filter(
                patient=patient, local_date__in=[day, day - timedelta(days=1)]
            )
        )
        today_checkin = next((c for c in earlier if c.local_date == day), None)
        yesterday_checkin = next((c for c in earlier if c.local_date != day), None)
    context.update(
        {
            "form": form,
            "checkin": today_checkin,
            "yesterday_checkin": yesterday_checkin,
            "saved": False,
        }
    )
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
@never_cache
@vary_on_headers("HX-Request")
@patient_required
def checkin(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    day = patient.local_today()
    if request.method == "GET":
        context = _checkin_context(patient, day, None)
        existing = context["checkin"]  # today's, read with yesterday's in one query
        initial = {"local_date": day}
        if existing is not None:
            initial |= {
                "pain": existing.pain,
                "worst_pain": existing.worst_pain,
                "sleep_hours": f"{existing.sleep_hours:.1f}",
                "sleep_quality": existing.sleep_quality,
                "stress": existing.stress,
                "note": existing.note,
            }
        context["form"] = CheckinForm(initial=initial, today=day)
        return render(request, CHECKIN, context)

    form = CheckinForm(request.POST, today=day)
    saved: DailyCheckin | None = None
    if form.is_valid():
        try:
            saved, _created = checkin_record(
                patient=patient, local_date=form.cleaned_data["local_date"], values=form.values()
            )
        except ValidationError as error:
            form.add_error(None, error)
    if form.errors:
        # The form always comes back for today: what the patient entered stays on screen and
        # one more tap saves it where it can still go.
        return _page(request, CHECKIN, "form", _checkin_context(patient, day, form), status=INVALID)
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, _("Check-in saved. Thank you!"))
        return HttpResponseRedirect(reverse("patient-checkin"))
    context = _checkin_context(patient, day, form, just_saved=saved, saved=True)
    return _page(request, CHECKIN, "form", context)


@require_GET
@never_cache
@patient_required
def checkin_detail(request: HttpRequest, checkin_id: int) -> HttpResponse:
    """One earlier check-in, read-only: past days are kept as they were."""
    patient = _patient(request)
    found = checkin_for_patient(patient, checkin_id)
    context = _page_context(patient, "checkin")
    context |= {"checkin": found, "is_today": found.local_date == context["day"]}
    return render(request, "patient/checkin_detail.html", context)


# --- Exercise detail and explanations ---------------------------------------------------------


@require_GET
@never_cache
@patient_required
def exercise_detail(request: HttpRequest, prescribed_id: int) -> HttpResponse:
    patient = _patient(request)
    prescribed = prescription_for_patient(patient, prescribed_id)
    slug = CATEGORY_EXPLANATION.get(prescribed.exercise.category)
    media = media_of_exercise(prescribed.exercise_id)
    context = _page_context(patient, "today")
    context |= {
        "prescribed": prescribed,
        "exercise": prescribed.exercise,
        "explanation": EXPLANATIONS_BY_SLUG.get(slug or ""),
        "media": media,
        # A timed hold's countdown moves beside the first video (the exercise_media tag).
        "media_video": next((m for m in media if m.is_video), None),
    }
    return render(request, "patient/exercise.html", context)


@require_GET
@patient_required
def exercise_media_file(request: HttpRequest, media_id: int, variant: str) -> HttpResponse:
    """A picture or video of an exercise in the patient's own program, and nobody else's."""
    media = media_for_patient(_patient(request), media_id)
    return media_response(media, variant, request.headers.get("Range", ""))


@require_GET
@patient_required
def explanation(request: HttpRequest, slug: str) -> HttpResponse:
    found = EXPLANATIONS_BY_SLUG.get(slug)
    if found is None:
        raise Http404
    patient = _patient(request)
    context = _page_context(patient, "progress")
    context |= {
        "explanation": found,
        # What the traffic light's explanation promises after a red light.
        "red_flags_therapist": clinic_thresholds(patient.clinic).red_light_flag,
    }
    return render(request, "patient/explanation.html", context)


# --- Progress -----------------------------------------------------------------------------------


@require_GET
@never_cache
@patient_required
def progress(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    day = patient.local_today()
    context = _page_context(patient, "progress", day)
    context |= {
        "progress": progress_for_patient(patient, day),
        "goals": goals_with_progress(patient),
        "measures": [(h.title, h.primary) for h in measure_histories(patient) if h.slug != "groc"],
        "sleep_explanation": EXPLANATIONS_BY_SLUG.get("sleep-stress-and-pain"),
    }
    return render(request, "patient/progress.html", context)


# --- Settings -----------------------------------------------------------------------------------


def settings_context(
    patient: PatientProfile,
    *,
    form: PreferencesForm | None = None,
    deletion_form: DeletionRequestForm | None = None,
) -> dict[str, Any]:
    """Everything the Settings page shows; a form passed in keeps what the patient entered."""
    if form is None:
        form = PreferencesForm(
            initial={
                "reminder_time": patient.reminder_time,
                "remind_by_email": patient.remind_by_email,
                "timezone": patient.timezone,
            },
            current_timezone=patient.timezone,
        )
    return (
        _page_context(patient, "settings")
        | {
            "form": form,
            "deletion_form": deletion_form or DeletionRequestForm(),
            "deletion": deletion_status(patient),
        }
        | _push(patient)
    )


@require_http_methods(["GET", "POST"])
@never_cache
@vary_on_headers("HX-Request")
@patient_required
def preferences(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    current = patient.timezone
    if request.method == "GET":
        return render(request, SETTINGS, settings_context(patient))

    form = PreferencesForm(request.POST, current_timezone=current)
    saved = False
    if form.is_valid():
        try:
            patient_preferences_update(
                patient=patient,
                reminder_time=form.cleaned_data["reminder_time"],
                remind_by_email=form.cleaned_data["remind_by_email"],
                timezone=form.cleaned_data["timezone"],
                request=request,
            )
            saved = True
        except ValidationError as error:
            form.add_error(None, error)
    # The patient chose; the phone's guess must not override it later in this login.
    request.session["timezone_detected"] = True
    if saved and not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, _("Settings saved."))
        return HttpResponseRedirect(reverse("patient-settings"))
    context = settings_context(patient, form=form) | {"saved": saved}
    return _page(request, SETTINGS, "form", context, status=200 if saved else INVALID)


@require_GET
@never_cache
@patient_required
def program_handout(request: HttpRequest) -> HttpResponse:
    """ "Print my program": the same handout the therapist prints, for the patient's own."""
    return render(
        request,
        "tracker/handout.html",
        {
            "handout": program_handout_of(_patient(request)),
            "back_url": reverse("patient-settings"),
            "back_label": _("Back to settings"),
        },
    )


@require_POST
@patient_required
def timezone_detect(request: HttpRequest) -> JsonResponse:
    """The browser reports its time zone once, while the patient's is still the default."""
    patient = _patient(request)
    form = TimezoneDetectForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"changed": False, "errors": form.errors}, status=INVALID)
    changed = False
    if not request.session.get("timezone_detected"):
        changed = patient_timezone_detected(
            patient=patient, timezone=form.cleaned_data["timezone"], request=request
        )
        request.session["timezone_detected"] = True
    return JsonResponse(
        {
            "changed": changed,
            "timezone": patient.user.timezone,
            "today": patient.local_today().isoformat(),
        }
    )


# --- The app shell: offline page, manifest, service worker --------------------------------------


@require_GET
@cache_control(public=True, max_age=3600)
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker when a page is not on the phone and the network is down.

    No health data and no user, so it can be cached for everybody.
    """
    return render(request, "patient/offline.html", {"offline_page": True})


@require_GET
@cache_control(public=True, max_age=3600)
def manifest(request: HttpRequest) -> JsonResponse:
    data = {
        "name": "Rehabit",
        "short_name": "Rehabit",
        "description": _("Your home exercises and daily check-in."),
        "lang": settings.LANGUAGE_CODE,
        "start_url": reverse("patient-today"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f6f7f9",
        "theme_color": "#1f6f5c",
        "icons": [
            {
                "src": static(f"tracker/icons/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ]
        + [
            {
                "src": static("tracker/icons/maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            }
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


# Pages the phone keeps its last copy of, to open without a network (path prefixes)...
KEPT_PAGES = ("/today/", "/checkin/", "/exercises/", "/learn/", "/measures/")
# ...and the patient's other pages, which show the offline page when there is no network.
OTHER_PATIENT_PAGES = ("/progress/", "/settings/", "/checkins/")


def _shell_urls() -> list[str]:
    names = [
        "tracker/css/app.css",
        "tracker/css/patient.css",
        "tracker/js/checkin.js",
        "tracker/js/outbox.js",
        "tracker/js/patient.js",
        "tracker/js/timer.js",
        "tracker/icons/icon-192.png",
        "django_htmx/htmx-2.min.js",
    ]
    if settings.DEBUG:
        names.append("django_htmx/django-htmx.js")  # {% htmx_script %} adds it in DEBUG
    return [static(name) for name in names] + [reverse("patient-offline")]


def _sw_source() -> str:
    path = finders.find("tracker/js/sw.js")
    if not path:
        raise RuntimeError("tracker/js/sw.js is missing from the static files")
    return Path(str(path)).read_text(encoding="utf-8")


_sw_source_cached = cache(_sw_source)


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site root so its scope covers every page.

    Its source is a static file; this view prefixes the shell's current URLs (hashed names
    in production) and a version made from them, so a deploy replaces the cached shell.
    """
    source = _sw_source() if settings.DEBUG else _sw_source_cached()
    shell = _shell_urls()
    config = {
        "shell": shell,
        "offlineUrl": reverse("patient-offline"),
        "keptPages": KEPT_PAGES,
        "otherPages": OTHER_PATIENT_PAGES,
    }
    version = hashlib.sha256((json.dumps(config) + source).encode()).hexdigest()[:12]
    config["version"] = version
    body = f"const REHABIT = {json.dumps(config)};\n{source}"
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # Browsers check for a new worker on navigation; it must never be served stale.
    response["Cache-Control"] = "no-cache"
    return response


def _push_payload(body: bytes) -> tuple[str, dict[str, Any], bool] | None:
    """(endpoint, keys, remove) from what push.js sends; None for any other body."""
    try:
        payload = json.loads(body or b"{}")
    except (ValueError, RecursionError):  # not JSON, or nested deeper than it can parse
        return None
    if not isinstance(payload, dict):
        return None
    endpoint, keys = payload.get("endpoint"), payload.get("keys") or {}
    # No browser sends a NUL character, and PostgreSQL could not even look one up.
    if not isinstance(endpoint, str) or "\x00" in endpoint or not isinstance(keys, dict):
        return None
    return endpoint, keys, bool(payload.get("remove"))


@require_POST
@patient_required
def push_subscribe(request: HttpRequest) -> JsonResponse:
    """The browser's push subscription, posted by push.js as JSON; DELETE-like with remove."""
    parsed = _push_payload(request.body)
    if parsed is None:
        return JsonResponse({"error": _("Push could not be turned on.")}, status=400)
    endpoint, keys, remove = parsed
    if remove:
        push_subscription_delete(
            user=request.user,  # type: ignore[arg-type]
            endpoint=endpoint,
            request=request,
        )
        return JsonResponse({"subscribed": False})
    try:
        push_subscription_save(
            user=request.user,  # type: ignore[arg-type]
            endpoint=endpoint,
            p256dh=str(keys.get("p256dh", "")),
            auth=str(keys.get("auth", "")),
            session_mark=session_push_mark(request.session),
            request=request,
        )
    except PushEndpointTaken as error:
        # push.js then asks the browser's push service for a fresh address and sends that.
        return JsonResponse({"error": " ".join(error.messages), "resubscribe": True}, status=409)
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse({"subscribed": True})


def _push(patient: PatientProfile) -> dict[str, Any]:
    """What the push section needs: the server's public key, and whether this user has any."""
    return {
        "vapid_public_key": settings.VAPID_PUBLIC_KEY,
        "push_subscribed": patient.user.push_subscriptions.exists(),
    }
