from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.BatchListView.as_view(), name="batch_list"),
    path("new/", views.BatchCreateView.as_view(), name="batch_create"),
    path("<int:pk>/", views.BatchDetailView.as_view(), name="batch_detail"),
    path("<int:pk>/confirm/", views.BatchConfirmView.as_view(), name="batch_confirm"),
    path("<int:pk>/void/", views.BatchVoidView.as_view(), name="batch_void"),
    path("template/<slug:kind>.xlsx", views.TemplateDownloadView.as_view(), name="template"),
]
