from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditLogView.as_view(), name="audit_log"),
    path("personal-data/", views.PersonalDataAccessLogView.as_view(), name="personal_data_log"),
]
