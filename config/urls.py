from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView


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
