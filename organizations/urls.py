from django.urls import path

from organizations import views, views_dossiers, views_ratings

app_name = "organizations"

urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/<int:pk>/", views.UnitDetailView.as_view(), name="unit_detail"),
    path("dossiers/", views_dossiers.DossierListView.as_view(), name="dossier_list"),
    path("dossiers/review/", views_dossiers.ReviewQueueView.as_view(), name="review_queue"),
    path("dossiers/new/", views_dossiers.DossierCreateView.as_view(), name="dossier_create"),
    path("dossiers/<int:pk>/", views_dossiers.DossierDetailView.as_view(), name="dossier_detail"),
    path("dossiers/<int:pk>/edit/", views_dossiers.DossierUpdateView.as_view(), name="dossier_update"),
    path("dossiers/<int:pk>/move/<str:move>/", views_dossiers.DossierMoveView.as_view(), name="dossier_move"),
    path("dossiers/<int:pk>/hand-over/", views_dossiers.DossierHandOverView.as_view(), name="dossier_hand_over"),
    path("dossiers/<int:pk>/comment/", views_dossiers.DossierCommentView.as_view(), name="dossier_comment"),
    path("dossiers/<int:dossier_pk>/tasks/new/", views_dossiers.TaskCreateView.as_view(), name="task_create"),
    path("tasks/<int:pk>/", views_dossiers.TaskUpdateView.as_view(), name="task_update"),
    path(
        "dossiers/<int:dossier_pk>/inspections/new/",
        views_dossiers.InspectionCreateView.as_view(),
        name="inspection_create",
    ),
    path(
        "submissions/<int:pk>/signed-plan/",
        views_dossiers.SignedPlanDownloadView.as_view(),
        name="signed_plan_download",
    ),
    path("evidence/<int:pk>/", views_dossiers.EvidenceDownloadView.as_view(), name="evidence_download"),
    path("conclusions/<int:pk>/done/", views_dossiers.ConclusionDoneView.as_view(), name="conclusion_done"),
    path("ratings/", views_ratings.QualityRatingListView.as_view(), name="rating_list"),
    path("ratings/new/", views_ratings.QualityRatingCreateView.as_view(), name="rating_create"),
    path("ratings/commune/", views_ratings.QualityRatingBulkView.as_view(), name="rating_bulk"),
    path("weak/", views_ratings.WeakListView.as_view(), name="weak_list"),
    path("weak/export/", views_ratings.WeakListExportView.as_view(), name="weak_list_export"),
]
