from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from govbrief.core import views as core_views
from govbrief.orgs import views as orgs_views

admin.site.site_header = _("govbrief administration")
admin.site.site_title = _("govbrief")

urlpatterns = [
    path("", core_views.dashboard, name="dashboard"),
    path("accounts/login/", orgs_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", orgs_views.PasswordChangeView.as_view(), name="password_change"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("reports/", include("govbrief.reports.urls")),
    path("bulletins/", include("govbrief.bulletins.urls")),
    path("emergencies/", include("govbrief.emergencies.urls")),
    path("units/", include("govbrief.orgs.urls")),
    path("notifications/", include("govbrief.notifications.urls")),
    path("locks/", include("govbrief.locks.urls")),
    path("audit/", include("govbrief.audit.urls")),
    path("api/", include("govbrief.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
]

# Error pages in the layout (people) or as core.api's JSON body (API clients): core.views.
handler400 = "govbrief.core.views.bad_request"
handler403 = "govbrief.core.views.permission_denied"
handler404 = "govbrief.core.views.page_not_found"
handler500 = "govbrief.core.views.server_error"
