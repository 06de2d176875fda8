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
