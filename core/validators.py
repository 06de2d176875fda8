"""Bounds of figures that every app's models share."""

from django.core.validators import MinValueValidator
from django.utils.translation import gettext_lazy as _

# A result, a count or a score below zero is a typo (money returned −5,000,000 VND, land −3.5 m²): refused next to
# the field by forms, services (full_clean) and importers alike.
NOT_NEGATIVE = [MinValueValidator(0, _("The figure must not be negative."))]
