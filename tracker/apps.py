from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Rehabit tracker")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: signal receivers need the app registry to be ready.
        from django.contrib.auth.signals import (
            user_logged_in,
            user_logged_out,
            user_login_failed,
        )

        from tracker import signals

        user_logged_in.connect(signals.record_login, dispatch_uid="tracker.audit.login")
        user_logged_out.connect(signals.record_logout, dispatch_uid="tracker.audit.logout")
        user_logged_out.connect(
            signals.forget_push_of_session, dispatch_uid="tracker.push.sign_out"
        )
        user_login_failed.connect(
            signals.record_login_failed, dispatch_uid="tracker.audit.login_failed"
        )
