"""Entry points shared by every role: log in, the role-aware home, a health check."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache

from accounts import sign_in
from accounts.forms import LoginForm


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
    form_class = LoginForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if user.has_two_factor:
            # The password alone logs nobody in: the code step does, with `next` kept for it.
            sign_in.pending_start(self.request, user, next_url=self.get_redirect_url())
            return redirect("login-two-factor")
        return super().form_valid(form)


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the process answers and the database is reachable."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
