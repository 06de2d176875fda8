from django.urls import path

from overview import views, views_notifications

app_name = "overview"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("notifications/", views_notifications.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/<int:pk>/read/",
        views_notifications.NotificationReadView.as_view(),
        name="notification_read",
    ),
]
