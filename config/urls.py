from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("core.urls")),
    path("", include("overview.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/audit/", include("audit.urls")),
    path("org/", include("organizations.urls")),
    path("reception/", include("citizens.urls")),
    path("reception/", include("cases.urls_intake")),
    path("cases/", include("cases.urls")),
    path("reports/", include("reports.urls")),
    path("imports/", include("imports.urls")),
    path("retention/", include("retention.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
