"""The REST API (JSON, OpenAPI 3 at /api/schema/), mounted under /api/."""

from django.urls import path
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.routers import SimpleRouter
from rest_framework.throttling import ScopedRateThrottle

from govbrief.bulletins.api import IssueViewSet, PublicationViewSet
from govbrief.core.parsers import BoundedJSONParser
from govbrief.emergencies.api import (
    ClockViewSet,
    DispositionViewSet,
    EmergencyReportViewSet,
    IncidentViewSet,
    RecordViewSet,
)
from govbrief.notifications.api import NoticePreferencesView, NotificationViewSet
from govbrief.orgs.api import MeView, UnitViewSet
from govbrief.orgs.serializers import LockoutAwareAuthTokenSerializer
from govbrief.reports.api import ReportViewSet, SubmissionViewSet

app_name = "api"


class TokenView(ObtainAuthToken):
    """Username and password for a token; rate-limited against password guessing."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"
    serializer_class = LockoutAwareAuthTokenSerializer
    # The API's bounded JSON parser (core.parsers), and forms for curl -d.
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]


router = SimpleRouter()
router.register("units", UnitViewSet, basename="unit")
router.register("reports", ReportViewSet, basename="report")
router.register("submissions", SubmissionViewSet, basename="submission")
router.register("notifications", NotificationViewSet, basename="notification")
router.register("publications", PublicationViewSet, basename="publication")
router.register("issues", IssueViewSet, basename="issue")
router.register("incidents", IncidentViewSet, basename="incident")
router.register("emergency-reports", EmergencyReportViewSet, basename="emergency-report")
router.register("emergency-clocks", ClockViewSet, basename="emergency-clock")
router.register("emergency-records", RecordViewSet, basename="emergency-record")
router.register("emergency-dispositions", DispositionViewSet, basename="emergency-disposition")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="token"),
    path("me/", MeView.as_view(), name="me"),
    path("notifications/preferences/", NoticePreferencesView.as_view(), name="notification-preferences"),
    *router.urls,
]
