from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspaceConfig(AppConfig):
    """The therapist's workspace: caseload, records, programs, library and clinic admin."""

    name = "workspace"
    verbose_name = _("Therapist workspace")
