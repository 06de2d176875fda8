from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("", views.CaseListView.as_view(), name="case_list"),
    path("due-soon/", views.DueSoonView.as_view(), name="due_soon"),
    path("overdue/", views.OverdueView.as_view(), name="overdue"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="case_detail"),
    path("<int:pk>/edit/", views.CaseUpdateView.as_view(), name="case_update"),
    path("<int:pk>/move/<str:move>/", views.CaseTransitionView.as_view(), name="case_transition"),
    path("<int:pk>/assign/", views.CaseAssignView.as_view(), name="case_assign"),
    path("<int:pk>/extend/", views.CaseExtendView.as_view(), name="case_extend"),
    path("<int:pk>/designate/", views.CaseDesignateView.as_view(), name="case_designate"),
    path("<int:pk>/merge/", views.CaseMergeView.as_view(), name="case_merge"),
    path("<int:pk>/unmerge/", views.CaseUnmergeView.as_view(), name="case_unmerge"),
    path("<int:pk>/void/", views.CaseVoidView.as_view(), name="case_void"),
    path("<int:pk>/second-time/", views.CaseSecondTimeView.as_view(), name="case_second_time"),
    path("designations/<int:pk>/lift/", views.DesignationLiftView.as_view(), name="designation_lift"),
]
