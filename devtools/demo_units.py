"""Which real units the demo's records sit on: today's communes/wards with activity and, for dates before the 2025
merger, the former communes/wards they were formed from (their predecessors through UnitSuccession). A record is
kept by the unit that existed on its date; the successor sees it through the normal scoping."""

import random
from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from organizations.models import Unit

# Today's communes/wards with demo activity besides the two demo wards: central wards, a district centre of the
# south-west and three rural communes, so the city's figures and its breakdown by unit are not two lines.
ACTIVE_WARD_CODES = (
    "00025",  # Phường Giảng Võ
    "00070",  # Phường Hoàn Kiếm
    "00082",  # Phường Cửa Nam
    "00103",  # Phường Tây Hồ
    "00145",  # Phường Long Biên
    "00166",  # Phường Cầu Giấy
    "00235",  # Phường Đống Đa
    "00256",  # Phường Hai Bà Trưng
    "09556",  # Phường Hà Đông
    "00376",  # Xã Sóc Sơn
    "09700",  # Xã Ba Vì
    "10183",  # Xã Thường Tín
)


@dataclass(frozen=True)
class WardFamily:
    """A commune/ward of today and the former ones whose records the demo puts before its first day."""

    current: Unit
    former: tuple[Unit, ...]

    @property
    def merged_on(self) -> date:
        """The first day of today's unit (01/07/2025 for Hanoi's communes)."""
        assert self.current.valid_from is not None  # communes of today come from the merger
        return self.current.valid_from

    def units(self) -> list[Unit]:
        return [*self.former, self.current]

    def unit_on(self, day: date, rng: random.Random) -> Unit:
        """The unit that kept a record of `day`: today's unit from its first day, one of the former ones before."""
        if day >= self.merged_on or not self.former:
            return self.current
        return rng.choice(self.former)


def former_units(ward: Unit, *, limit: int, exclude: set[int] | frozenset[int] = frozenset()) -> list[Unit]:
    """Up to `limit` former communes/wards `ward` was formed from, those merged wholly into it first (a ward split
    between several successors is seen by each of them), then by official code; `exclude` leaves out units another
    family already took, so no former unit gets two demo registers."""
    predecessors = (
        Unit.objects.filter(successor_links__successor=ward, valid_to__isnull=False)
        .exclude(pk__in=exclude)
        .annotate(successors=Count("successor_links", distinct=True))
        .select_related("parent")
        .order_by("successors", "code")
    )
    return list(predecessors[:limit])


def ward_families(codes: list[str], *, former_per_ward: list[int]) -> list[WardFamily]:
    """The families of today's communes/wards with these codes, in that order, each with its former units."""
    taken: set[int] = set()
    families = []
    for code, limit in zip(codes, former_per_ward, strict=True):
        ward = Unit.objects.get(code=code, valid_to__isnull=True)
        former = former_units(ward, limit=limit, exclude=taken)
        taken.update(unit.pk for unit in former)
        families.append(WardFamily(current=ward, former=tuple(former)))
    return families


def division(unit: Unit) -> str:
    """How the unit's kind is written inside a sentence: "phường", "xã", "thị trấn"."""
    return unit.division_type or ("xã" if unit.name.startswith("Xã ") else "phường")


def short_name(unit: Unit) -> str:
    """The name without its kind: "Ba Đình" for "Phường Ba Đình"."""
    word = division(unit)
    return unit.name[len(word) + 1 :] if unit.name.lower().startswith(f"{word} ") else unit.name


def full_address_tail(unit: Unit) -> str:
    """How an address ends: a former unit with its district ("Phường Trúc Bạch, Quận Ba Đình"), a unit of today
    alone (there is no district level any more)."""
    if unit.valid_to is not None and unit.parent is not None and unit.parent.parent_id is not None:
        return f"{unit.name}, {unit.parent.name}"
    return unit.name
