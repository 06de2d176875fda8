from django.urls import path

from reports import views, views_submissions

app_name = "reports"

urlpatterns = [
    path("", views.ReportListView.as_view(), name="report_list"),
    path("new/", views.ReportRequestView.as_view(), name="report_request"),
    path("<int:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("<int:pk>/paper/", views.ReportPaperView.as_view(), name="report_paper"),
    path("<int:pk>/<str:action>/", views.ReportActionView.as_view(), name="report_action"),
    path("<int:pk>/export/<str:format>/", views.ReportExportView.as_view(), name="report_export"),
    path("submissions/<int:pk>/", views_submissions.SubmissionsView.as_view(), name="submissions"),
]
