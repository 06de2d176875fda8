from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    QUARTER_1 = "quarter_1", _("Quarter I")
    HALF_YEAR = "half_year", _("6 months")
    NINE_MONTHS = "nine_months", _("9 months")
    YEAR = "year", _("Year")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    RUNNING = "running", _("Compiling")
    DONE = "done", _("Compiled")
    FAILED = "failed", _("Failed")
    FROZEN = "frozen", _("Frozen (chốt)")
    SUBMITTED = "submitted", _("Submitted")
