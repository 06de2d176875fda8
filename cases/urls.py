from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
]
