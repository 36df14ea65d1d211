from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PatientConfig(AppConfig):
    """The patient's phone: today's plan, check-ins, progress and settings."""

    name = "patient"
    verbose_name = _("Patient app")
