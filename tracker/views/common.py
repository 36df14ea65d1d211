"""Entry points shared by every role: log in, the role-aware home, a health check."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to their own starting page."""
    user = request.user
    if user.is_patient:  # type: ignore[union-attr]
        return redirect("patient-today")
    if user.is_therapist and user.clinic_id:  # type: ignore[union-attr]
        return redirect("therapist-caseload")
    if user.is_superuser:
        return redirect("admin:index")
    raise Http404


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
