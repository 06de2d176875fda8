from django.urls import path

from organizations import views

app_name = "organizations"

urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
]
