from django.urls import path

from retention import views

app_name = "retention"

urlpatterns = [
    path("", views.RetentionView.as_view(), name="retention"),
    path("dispose/", views.DisposeView.as_view(), name="dispose"),
    path("holds/new/", views.HoldView.as_view(), name="hold_place"),
    path("holds/<int:pk>/lift/", views.HoldLiftView.as_view(), name="hold_lift"),
    path("disposals/", views.DisposalListView.as_view(), name="disposal_list"),
    path("disposals/<int:pk>/", views.DisposalDetailView.as_view(), name="disposal_detail"),
]
