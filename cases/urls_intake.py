"""The reception desk's visit forms, under /reception/ beside the session they belong to (config/urls.py)."""

from django.urls import path

from cases import views_intake

app_name = "intake"

urlpatterns = [
    path("sessions/<int:session_pk>/visits/new/", views_intake.VisitCreateView.as_view(), name="visit_create"),
    path("visits/<int:pk>/edit/", views_intake.VisitUpdateView.as_view(), name="visit_update"),
]
