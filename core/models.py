"""The one model of the ground floor: register numbering, which every register keeps the same way."""

from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """Per-unit, per-year running numbers for registers (sổ): cases, sessions, letters.

    Offices number their registers from 1 each year; the row is locked while a number is taken so two
    officials saving at once never get the same number.
    """

    unit = models.ForeignKey("organizations.Unit", on_delete=models.PROTECT, related_name="+")
    register = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    last_value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("register number sequence")
        verbose_name_plural = _("register number sequences")
        constraints = [models.UniqueConstraint(fields=["unit", "register", "year"], name="unique_number_sequence")]

    def __str__(self) -> str:
        return f"{self.register} {self.year} · {self.unit_id}: {self.last_value}"

    @classmethod
    def next_value(cls, *, unit_id: int, register: str, year: int) -> int:
        with transaction.atomic():
            sequence, _created = cls.objects.select_for_update().get_or_create(
                unit_id=unit_id, register=register, year=year
            )
            sequence.last_value += 1
            sequence.save(update_fields=["last_value"])
            return sequence.last_value
