from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseKind(models.TextChoices):
    """Classification by content, not by title (Circular 05/2021/TT-TTCP)."""

    COMPLAINT = "complaint", _("Complaint")
    DENUNCIATION = "denunciation", _("Denunciation")
    RECOMMENDATION = "recommendation", _("Recommendation")
    FEEDBACK = "feedback", _("Feedback")


class Channel(models.TextChoices):
    RECEPTION = "reception", _("Citizen reception")
    POST = "post", _("By post")
    TRANSFERRED = "transferred", _("Transferred from another body")
    ONLINE = "online", _("Online")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CLASSIFIED = "classified", _("Classified")
    ACCEPTED = "accepted", _("Accepted for handling")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    TRANSFERRED = "transferred", _("Transferred")
    ARCHIVED = "archived", _("Archived")
    VERIFYING = "verifying", _("Verifying")
    DIALOGUE = "dialogue", _("Dialogue")
    CONCLUDED = "concluded", _("Concluded")
    IMPLEMENTED = "implemented", _("Implemented")
    CLOSED = "closed", _("Closed")
