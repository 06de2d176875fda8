from django.urls import path

from cases import views, views_attachments, views_exports, views_letters, views_notes

app_name = "cases"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("due-soon/", views.DueSoonView.as_view(), name="due_soon"),
    path("overdue/", views.OverdueView.as_view(), name="overdue"),
    path("letters/due-soon/", views.LetterDueSoonView.as_view(), name="letter_due_soon"),
    path("letters/overdue/", views.LetterOverdueView.as_view(), name="letter_overdue"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("<int:pk>/duplicates/", views.CaseDuplicatesView.as_view(), name="case_duplicates"),
    path("dossier-area/<int:pk>/", views.DossierAreaCasesView.as_view(), name="dossier_area_cases"),
    path("<int:pk>/edit/", views.CaseUpdateView.as_view(), name="case_update"),
    path("<int:pk>/move/<str:move>/", views.CaseTransitionView.as_view(), name="case_transition"),
    path("<int:pk>/assign/", views.CaseAssignView.as_view(), name="case_assign"),
    path("<int:pk>/extend/", views.CaseExtendView.as_view(), name="case_extend"),
    path("<int:pk>/designate/", views.CaseDesignateView.as_view(), name="case_designate"),
    path("<int:pk>/merge/", views.CaseMergeView.as_view(), name="case_merge"),
    path("<int:pk>/unmerge/", views.CaseUnmergeView.as_view(), name="case_unmerge"),
    path("<int:pk>/void/", views.CaseVoidView.as_view(), name="case_void"),
    path("<int:pk>/record-decision/", views.CaseRecordDecisionView.as_view(), name="case_record_decision"),
    path("<int:pk>/notes/new/", views_notes.CaseNoteAddView.as_view(), name="case_note_add"),
    path("letters/<int:pk>/notes/new/", views_notes.LetterNoteAddView.as_view(), name="letter_note_add"),
    path("<int:pk>/second-time/", views.CaseSecondTimeView.as_view(), name="case_second_time"),
    path("designations/<int:pk>/lift/", views.DesignationLiftView.as_view(), name="designation_lift"),
    path(
        "<int:case_pk>/attachments/new/",
        views_attachments.CaseAttachmentUploadView.as_view(),
        name="attachment_upload_case",
    ),
    path(
        "letters/<int:letter_pk>/attachments/new/",
        views_attachments.LetterAttachmentUploadView.as_view(),
        name="attachment_upload_letter",
    ),
    path("attachments/<int:pk>/", views_attachments.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("attachments/<int:pk>/void/", views_attachments.AttachmentVoidView.as_view(), name="attachment_void"),
    path("letters/", views_letters.LetterListView.as_view(), name="letter_list"),
    path("letters/new/", views_letters.LetterCreateView.as_view(), name="letter_create"),
    path("letters/<int:pk>/", views_letters.LetterDetailView.as_view(), name="letter_detail"),
    path("letters/<int:pk>/classify/", views_letters.LetterClassifyView.as_view(), name="letter_classify"),
    path("letters/<int:pk>/dispose/", views_letters.LetterDisposeView.as_view(), name="letter_dispose"),
    path("export/", views_exports.ExportCreateView.as_view(), name="export_create"),
    path("exports/<int:pk>/", views_exports.ExportStatusView.as_view(), name="export_status"),
    path("exports/<int:pk>/download/", views_exports.ExportDownloadView.as_view(), name="export_download"),
    path("filters/save/", views_exports.SavedFilterCreateView.as_view(), name="saved_filter_create"),
    path("filters/<int:pk>/delete/", views_exports.SavedFilterDeleteView.as_view(), name="saved_filter_delete"),
]
