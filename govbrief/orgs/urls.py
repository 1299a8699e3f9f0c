from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.unit_directory, name="directory"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("registrations/", views.registration_list, name="registrations"),
    path("registrations/new/", views.registration_new, name="registration-new"),
    path("registrations/<int:pk>/", views.registration_detail, name="registration"),
]
