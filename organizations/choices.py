from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """Levels of the party/administrative tree (DESIGN §2)."""

    CITY = "city", _("City party committee")
    DISTRICT = "district", _("District-level committee")
    BLOC = "bloc", _("Bloc committee")
    COMMUNE = "commune", _("Commune-level committee")
    GRASSROOTS = "grassroots", _("Grassroots party organization")
    CELL = "cell", _("Party cell")


class DivisionType(models.TextChoices):
    """Administrative type as written in the official list; blank for party units with no territory."""

    CITY = "thành phố", _("city")
    URBAN_DISTRICT = "quận", _("urban district")
    RURAL_DISTRICT = "huyện", _("rural district")
    TOWN = "thị xã", _("town")
    WARD = "phường", _("ward")
    COMMUNE = "xã", _("commune")
    TOWNSHIP = "thị trấn", _("township")


class RatingLevel(models.TextChoices):
    """Annual quality levels of a party organization."""

    EXCELLENT = "excellent", _("Excellently completed its tasks")
    GOOD = "good", _("Well completed its tasks")
    COMPLETED = "completed", _("Completed its tasks")
    NOT_COMPLETED = "not_completed", _("Did not complete its tasks")
    WEAK = "weak", _("Weak (yếu kém)")


class DossierStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned with comments")
    CONSOLIDATING = "consolidating", _("Approved: consolidating")
    REASSESSED = "reassessed", _("Re-assessed")
    OFF_LIST = "off_list", _("Taken off the list")
    CARRIED_OVER = "carried_over", _("Carried into the next year")


class DossierOrigin(models.TextChoices):
    RATING = "rating", _("Rated “did not complete its tasks”")
    DESIGNATED = "designated", _("Designated weak by the committee above")


class TaskType(models.TextChoices):
    CADRE_WORK = "cadre_work", _("Cadre work (replacing or strengthening leaders)")
    UNITY = "unity", _("Restoring internal unity")
    DISCIPLINE = "discipline", _("Discipline and inspection")
    PARTY_LIFE = "party_life", _("Quality of party cell meetings")
    LIVELIHOOD = "livelihood", _("Livelihood and economic targets")
    SECURITY = "security", _("Security, order, complaints")
    OTHER = "other", _("Other")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class InspectionKind(models.TextChoices):
    INSPECTION = "inspection", _("Inspection")
    URGING = "urging", _("Urging")
