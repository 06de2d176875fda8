from django.urls import path

from core import views, views_notifications

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz/", views.health, name="health"),
    path("notifications/", views_notifications.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        views_notifications.NotificationReadView.as_view(),
        name="notification_read",
    ),
]
