from django.urls import path

from . import stream, views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read/", views.notifications_read, name="read"),
    path("preferences/", views.notification_preferences, name="preferences"),
    path("live/", stream.live, name="live"),
    path("navigation/", stream.navigation, name="navigation"),
    path("<int:pk>/open/", views.notification_open, name="open"),
]
