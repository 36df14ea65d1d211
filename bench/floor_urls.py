"""The app's URLs plus the floor: the cheapest request a Django view with data can answer.

The floor does one read through a unique index and renders a few bytes. It goes through the
same gunicorn workers and the same middleware as the hot paths, so the ratio hot path ÷
floor is the cost of the app's own work, not of the machine or the stack.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path
from django.views.decorators.cache import never_cache

from tracker.models import DailyCheckin


@never_cache
def floor(request: HttpRequest) -> HttpResponse:
    """One indexed read: a check-in by its unique (patient, local date) key."""
    pain = list(
        DailyCheckin.objects.filter(
            patient_id=int(request.GET.get("patient", "0")),
            local_date=request.GET.get("day", "2000-01-01"),
        ).values_list("pain", flat=True)[:1]
    )
    return HttpResponse(f"pain={pain[0] if pain else '-'}\n", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("", include("config.urls")),
]
