"""The patient's phone screens."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tracker.access import patient_required
from tracker.selectors.plan import plan_for_day


@patient_required
def today(request: HttpRequest) -> HttpResponse:
    patient = request.patient  # type: ignore[attr-defined]
    day = patient.local_today()
    return render(
        request,
        "tracker/patient/today.html",
        {"patient": patient, "day": day, "plan": plan_for_day(patient, day)},
    )
