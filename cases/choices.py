from django.db import models
from django.utils.translation import gettext_lazy as _

from citizens.choices import CaseKind as CaseKind  # defined with the visits that classify by it too


class LetterContent(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    DENUNCIATION = "denunciation", _("Denunciation")
    RECOMMENDATION = "recommendation", _("Recommendation")
    FEEDBACK = "feedback", _("Feedback")
    MULTIPLE = "multiple", _("Several contents")


class Channel(models.TextChoices):
    RECEPTION = "reception", _("Citizen reception")
    POST = "post", _("By post")
    TRANSFERRED = "transferred", _("Transferred from another body")
    ONLINE = "online", _("Online")


class LetterDisposition(models.TextChoices):
    """What was done with a letter after classification (Circular 05/2021/TT-TTCP)."""

    CASE = "case", _("Accepted for handling as a case")
    GUIDED = "guided", _("Sender guided to the competent body")
    TRANSFERRED = "transferred", _("Transferred to the competent body")
    URGED = "urged", _("Competent body urged")
    ARCHIVED = "archived", _("Archived")


class ArchiveReason(models.TextChoices):
    ANONYMOUS = "anonymous", _("Anonymous")
    DUPLICATE = "duplicate", _("Duplicate")
    FINALLY_RESOLVED = "finally_resolved", _("Already finally resolved")
    NOT_PROCESSABLE = "not_processable", _("Not processable")


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


# Statuses in which a case is still being handled (for deadlines, backlog and the overdue list).
OPEN_STATUSES = (
    CaseStatus.RECEIVED,
    CaseStatus.CLASSIFIED,
    CaseStatus.ACCEPTED,
    CaseStatus.VERIFYING,
    CaseStatus.DIALOGUE,
)
# Statuses that count as resolved in the statistics.
RESOLVED_STATUSES = (CaseStatus.CONCLUDED, CaseStatus.IMPLEMENTED, CaseStatus.CLOSED)


class Complexity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    COMPLEX = "complex", _("Complex")
    VERY_COMPLEX = "very_complex", _("Very complex")


class Outcome(models.TextChoices):
    RIGHT = "right", _("Right")
    WRONG = "wrong", _("Wrong")
    PARTLY_RIGHT = "partly_right", _("Partly right")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    SUSPENDED = "suspended", _("Suspended")
    TERMINATED = "terminated", _("Terminated")


class DeadlineStep(models.TextChoices):
    LETTER_PROCESSING = "letter_processing", _("Letter processing")
    COMPLAINT_ACCEPT = "complaint_accept", _("Acceptance of the complaint")
    DENUNCIATION_INITIAL = "denunciation_initial", _("Initial processing of the denunciation")
    RESOLVE = "resolve", _("Resolution")
    HEAD_NOTICE = "head_notice", _("Head's notice to the sender")


class DayKind(models.TextChoices):
    CALENDAR = "calendar", _("calendar days")
    WORKING = "working", _("working days")


class Attempt(models.TextChoices):
    ANY = "", _("any")
    FIRST = "first", _("first time")
    SECOND = "second", _("second time")


class Designation(models.TextChoices):
    """Flags a committee designates by decision, each with a reason."""

    OVER_LEVEL = "over_level", _("Over-level")
    HOT_SPOT = "hot_spot", _("Hot spot")
    FOCUS = "focus", _("Focus list")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    TRANSITION = "transition", _("Status changed")
    ASSIGNED = "assigned", _("Handler assigned")
    DEADLINE = "deadline", _("Deadline set")
    EXTENDED = "extended", _("Deadline extended")
    FLAGGED = "flagged", _("Flag set")
    UNFLAGGED = "unflagged", _("Flag removed")
    MERGED = "merged", _("Merged as duplicate")
    UNMERGED = "unmerged", _("Merge undone")
    ATTACHMENT = "attachment", _("Document attached")
    VOIDED = "voided", _("Voided")
    NOTE = "note", _("Note")
