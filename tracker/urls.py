from django.contrib.auth import views as auth_views
from django.urls import include, path

from .views import common, invites, two_factor

urlpatterns = [
    path("", common.home, name="home"),
    path("login/", common.LoginView.as_view(), name="login"),
    path("login/code/", two_factor.sign_in_code, name="login-two-factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", common.healthz, name="healthz"),
    path("invite/<uidb64>/<token>/", invites.accept, name="invite-accept"),
    path("", include("tracker.urls_patient")),
    path("clinic/", include("tracker.urls_therapist")),
]
