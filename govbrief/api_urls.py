"""The REST API (JSON, OpenAPI 3 at /api/schema/), mounted under /api/."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import SimpleRouter

from govbrief.notifications.api import NotificationViewSet
from govbrief.orgs.api import MeView, UnitViewSet
from govbrief.reports.api import ReportViewSet, SubmissionViewSet

app_name = "api"

router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("reports", ReportViewSet, basename="report")
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("notifications", NotificationViewSet, basename="notification")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="token"),
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
