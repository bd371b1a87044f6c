from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from alibaba.hooks import alibaba_push
from dxports.health import healthz
from dxports.views import LandingView, notifications, set_language

admin.site.site_header = "dxports program administration"
admin.site.site_title = "dxports admin"

urlpatterns = [
    path("", LandingView.as_view(), name="landing"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("dashboard/products/", include("catalog.urls")),
    path("dashboard/imports/", include("catalog.imports.urls")),
    path("dashboard/company/", include("brand.urls")),
    path("dashboard/inquiries/", include("buyers.urls")),
    path("dashboard/notifications/", notifications, name="notifications"),
    path("dashboard/", include("sellers.urls")),
    path("hooks/alibaba/", alibaba_push, name="alibaba-push"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include(("partners.api.urls", "api"), namespace="api")),
    path("dashboard/partners/", include("partners.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI with its start-up script served as a file (the split view) instead of inline, and the page's inline
    # style element moved to our stylesheet; its own stylesheet draws icons from data: URLs.
    path(
        "api/docs/",
        csp_update({"img-src": ["data:"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html")
        ),
        name="api-docs",
    ),
]
