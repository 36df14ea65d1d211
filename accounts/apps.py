from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Sign-in, invites, two-factor and login throttling."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        # Imported here: signal receivers need the app registry to be ready.
        from django.contrib.auth.signals import user_logged_in

        from accounts import middleware, sign_in

        user_logged_in.connect(middleware.on_login, dispatch_uid="accounts.session.login")
        user_logged_in.connect(sign_in.on_login, dispatch_uid="accounts.sign_in.login")
