from django.db import models
from django.utils.translation import gettext_lazy as _


class SessionKind(models.TextChoices):
    REGULAR = "regular", _("Regular (by reception officers)")
    PERIODIC = "periodic", _("Periodic, by the head")
    AD_HOC = "ad_hoc", _("Ad hoc")
    DIALOGUE = "dialogue", _("Dialogue")


class SessionMode(models.TextChoices):
    DIRECT = "direct", _("In person")
    # Law 136/2025/QH15 allows online reception from 1 Jul 2026.
    ONLINE = "online", _("Online")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class HeadPosition(models.TextChoices):
    """Whose duty to receive citizens a session fulfils."""

    PARTY_SECRETARY = "party_secretary", _("Party committee secretary")
    PC_CHAIRMAN = "pc_chairman", _("People's Committee chairman")


class VisitOutcome(models.TextChoices):
    GUIDED = "guided", _("Explained and guided")
    LETTER_RECEIVED = "letter_received", _("Letter received (case opened)")
    TRANSFERRED = "transferred", _("Transferred")
    REFUSED = "refused", _("Refused")


class DutyPeriod(models.TextChoices):
    MONTH = "month", _("per month")
    WEEK = "week", _("per week")


class CaseKind(models.TextChoices):
    """Classification by content, not by title (Circular 05/2021/TT-TTCP): what a visit brings, a letter says and a
    case is. Defined here, with reception, because visits are classified before any letter or case exists."""

    COMPLAINT = "complaint", _("Complaint")
    DENUNCIATION = "denunciation", _("Denunciation")
    RECOMMENDATION = "recommendation", _("Recommendation")
    FEEDBACK = "feedback", _("Feedback")
