from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("new/", views.report_new, name="new"),
    path("import/", views.report_import, name="import"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/bulk/", views.inbox_bulk, name="bulk"),
    path("inbox/filters/", views.saved_filter, name="saved-filter"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/compare/", views.report_compare, name="compare"),
    path("versions/compare/", views.versions_compare, name="versions-compare"),
    path("<int:pk>/edit/break-lock/", views.report_break_lock, name="break-lock"),
    path("<int:pk>/action/<slug:action>/", views.report_action, name="action"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment-delete"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/action/<slug:action>/", views.submission_action, name="submission-action"),
    path("submissions/<int:pk>/forward/", views.submission_forward, name="forward"),
    path("submissions/<int:pk>/forward/break-lock/", views.submission_break_lock, name="forward-break-lock"),
]
