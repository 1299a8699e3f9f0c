from django.urls import path

from . import views

app_name = "emergencies"

urlpatterns = [
    path("", views.board, name="board"),
    path("new/", views.incident_new, name="incident-new"),
    path("rules/", views.rules, name="rules"),
    path("records/", views.records, name="records"),
    path("records/<int:pk>/<str:action>/", views.record_action, name="record-action"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request-cancel"),
    path("items/<int:pk>/dispose/", views.dispose, name="dispose"),
    path("<int:pk>/", views.incident_detail, name="incident"),
    path("<int:pk>/report/", views.report_new, name="report-new"),
    path("<int:pk>/request/", views.request_new, name="request"),
    path("<int:pk>/phone/", views.phone_new, name="phone"),
    path("<int:pk>/mark/", views.mark, name="mark"),
    path("<int:pk>/escalate/", views.escalate, name="escalate"),
    path("<int:pk>/<str:action>/", views.incident_action, name="incident-action"),
]
