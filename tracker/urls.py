from django.contrib.auth import views as auth_views
from django.urls import path

from .views import common, patient, therapist

urlpatterns = [
    path("", common.home, name="home"),
    path("login/", common.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", common.healthz, name="healthz"),
    path("today/", patient.today, name="patient-today"),
    path("clinic/caseload/", therapist.caseload, name="therapist-caseload"),
]
