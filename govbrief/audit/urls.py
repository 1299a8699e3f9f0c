from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("<int:pk>/", views.audit_detail, name="detail"),
    path("verify/", views.audit_verify, name="verify"),
    path("export/", views.audit_export, name="export"),
]
