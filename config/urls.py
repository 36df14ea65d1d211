from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from django_otp.admin import OTPAdminSite

# The Django admin reaches every clinic's data: a password alone must not open it. As
# django-otp documents, the default site becomes its OTPAdminSite, which asks staff for a
# code from one of their django-otp devices at its own login and lets in only a session
# verified by one (a therapist's two-factor sign-in counts). Every registered model stays.
admin.site.__class__ = OTPAdminSite


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico whatever the page says: answer with the app's icon."""

    permanent = True
    http_method_names = ["get", "head"]

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        # Looked up per request: the hashed static name exists only after collectstatic.
        return static("tracker/icons/icon-192.png")


urlpatterns = [
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("admin/", admin.site.urls),
    path("", include("accounts.urls")),
    path("", include("patient.urls")),
    path("clinic/", include("workspace.urls")),
]
