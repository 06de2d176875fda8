from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import SubmissionDueDate, SubmissionRule


@admin.register(SubmissionRule)
class SubmissionRuleAdmin(SimpleHistoryAdmin):
    """How many days after a period ends the units below must submit their report, and how early they are
    reminded; set by the steering committee (no law fixes it), kept here with its history."""

    list_display = ["period_kind", "days_after_end", "remind_days_before", "basis"]


@admin.register(SubmissionDueDate)
class SubmissionDueDateAdmin(SimpleHistoryAdmin):
    """An explicit due date for one period, overriding the rule for that period only."""

    list_display = ["period_kind", "year", "due_on", "basis"]
    list_filter = ["period_kind", "year"]
