"""Forgotten and changed passwords, for patients and therapists alike: Django's own views,
with throttled reset requests, emails that name no health data, and an audit event for each
request, reset and change.

Neither the reset page nor its emails say whether an account exists: every request gets the
same "check your email" page, and only an active account with a password gets a link.
Setting a new password from a link, or changing it, ends every other session of the account
(Django checks each session against the password hash); a change keeps the current one
(PasswordChangeView calls update_session_auth_hash).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from accounts.throttling import password_reset_allowance, password_reset_wait_response
from tracker.services.audit import audit_record

# Longer than any real email; a megabyte of "email" is not worth keeping in the audit trail.
MAX_ATTEMPTED_EMAIL = 254


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "registration/password_reset_form.html"
    subject_template_name = "emails/password_reset_subject.txt"
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    success_url = reverse_lazy("password-reset-done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        allowance = password_reset_allowance(self.request, email)
        # An attempt on a real account belongs to that account's clinic, as failed logins do.
        account = (
            get_user_model()
            ._default_manager.filter(email__iexact=email, held=False)
            .select_related("clinic")
            .first()
        )
        audit_record(
            action="auth.password_reset_requested",
            request=self.request,
            target=account,
            clinic=getattr(account, "clinic", None),
            detail={
                "email": email[:MAX_ATTEMPTED_EMAIL],
                **({} if allowance.email_ok else {"throttled": True}),
            },
        )
        if not allowance.address_ok:
            return password_reset_wait_response(self.request)
        if not allowance.email_ok:
            # The same page as a link sent: the limit must not reveal the account either.
            return HttpResponseRedirect(self.get_success_url())
        # Links in the email point at the public address, not at whichever host was asked.
        self.extra_email_context = {"site_url": settings.REHABIT_SITE_URL.rstrip("/")}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "registration/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(action="auth.password_reset_completed", actor=form.user, request=self.request)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        response = super().form_valid(form)
        audit_record(action="auth.password_changed", actor=form.user, request=self.request)
        messages.success(
            self.request,
            _(
                "Your password is changed. Anywhere else you were logged in, "
                "you are now logged out."
            ),
        )
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"back_url": reverse_lazy("home")}
