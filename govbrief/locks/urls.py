from django.urls import path

from . import views

app_name = "locks"
urlpatterns = [
    path("heartbeat/", views.heartbeat, name="heartbeat"),
    path("release/", views.release, name="release"),
]
