from django.urls import path

from citizens import views

app_name = "citizens"

urlpatterns = [
    path("sessions/", views.SessionListView.as_view(), name="session_list"),
    path("sessions/new/", views.SessionCreateView.as_view(), name="session_create"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session_detail"),
    path("sessions/<int:pk>/edit/", views.SessionUpdateView.as_view(), name="session_update"),
    path("sessions/<int:pk>/void/", views.SessionVoidView.as_view(), name="session_void"),
    path("visits/<int:pk>/void/", views.VisitVoidView.as_view(), name="visit_void"),
    path("dialogues/<int:pk>/", views.DialogueUpdateView.as_view(), name="dialogue_update"),
    path("citizens/", views.CitizenListView.as_view(), name="citizen_list"),
    path("citizens/lookup/", views.CitizenLookupView.as_view(), name="citizen_lookup"),
    path("citizens/<int:pk>/", views.CitizenDetailView.as_view(), name="citizen_detail"),
    path("schedule/", views.ScheduleView.as_view(), name="schedule"),
    path("duty/", views.DutyComplianceView.as_view(), name="duty_compliance"),
]
