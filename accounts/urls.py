"""Signing in and out, forgotten and changed passwords, invites, and two-factor sign-in; the
role-aware home and health check.

The invite and two-factor pages a therapist uses sit in the workspace under /clinic/.
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import branding, common, invites, passwords, two_factor

clinic_urlpatterns = [
    path("patients/invite/", invites.invite, name="therapist-invite"),
    path(
        "patients/<int:patient_id>/invite/resend/", invites.resend, name="therapist-invite-resend"
    ),
    path(
        "patients/<int:patient_id>/invite/revoke/", invites.revoke, name="therapist-invite-revoke"
    ),
    path("account/two-factor/", two_factor.account, name="therapist-two-factor"),
    path("account/two-factor/setup/", two_factor.setup, name="therapist-two-factor-setup"),
    path("account/two-factor/confirm/", two_factor.confirm, name="therapist-two-factor-confirm"),
    path("account/two-factor/disable/", two_factor.disable, name="therapist-two-factor-disable"),
    path(
        "account/two-factor/recovery-codes/",
        two_factor.recovery_codes,
        name="therapist-two-factor-recovery-codes",
    ),
    path("security/", two_factor.security, name="therapist-security"),
    path("security/require/", two_factor.security_require, name="therapist-security-require"),
    path(
        "security/therapists/<int:therapist_id>/reset/",
        two_factor.reset,
        name="therapist-two-factor-reset",
    ),
]

urlpatterns = [
    path("", common.home, name="home"),
    path("login/", common.LoginView.as_view(), name="login"),
    path("login/code/", two_factor.sign_in_code, name="login-two-factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", common.healthz, name="healthz"),
    path("branding/logo/<slug:version>.png", branding.clinic_logo, name="clinic-logo"),
    path("branding/accent-<slug:digits>.css", branding.accent_stylesheet, name="clinic-accent-css"),
    path("password/reset/", passwords.PasswordResetView.as_view(), name="password-reset"),
    path(
        "password/reset/sent/",
        passwords.PasswordResetDoneView.as_view(),
        name="password-reset-done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        passwords.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "password/reset/complete/",
        passwords.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("password/change/", passwords.PasswordChangeView.as_view(), name="password-change"),
    path("invite/<uidb64>/<token>/", invites.accept, name="invite-accept"),
    path("clinic/", include(clinic_urlpatterns)),
]
