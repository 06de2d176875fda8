"""Loads Hanoi's administrative units, both eras, from organizations/data/hanoi_units.json.

The file is generated once from the National Statistics Office list (see scripts/generate_hanoi_units.py).
Loading is idempotent: units are matched by official code within their period, so running it again updates
names and links in place and creates nothing twice.
"""

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction

from organizations.choices import UnitKind
from organizations.models import Reorganisation, Unit, UnitSuccession

DATA_FILE = Path(__file__).resolve().parent / "data" / "hanoi_units.json"

# Hanoi's districts and its 526 communes/wards ceased to exist on 30 Jun 2025; 126 communes/wards took over
# on 1 Jul 2025 directly under the city.
LEGACY_END = date(2025, 6, 30)
REFORM_START = date(2025, 7, 1)
REFORM_NAME = "Sắp xếp đơn vị hành chính cấp xã thành phố Hà Nội năm 2025"
REFORM_BASIS = "Nghị quyết số 1656/NQ-UBTVQH15 ngày 16/6/2025 của Ủy ban Thường vụ Quốc hội"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    successions_created: int = 0


def _upsert(existing: dict, key: tuple, fields: dict, result: LoadResult) -> Unit:
    unit = existing.get(key)
    if unit is None:
        unit = Unit(**fields)
        unit.save()
        existing[key] = unit
        result.created += 1
        return unit
    changed = [name for name, value in fields.items() if getattr(unit, name) != value]
    if changed:
        for name in changed:
            setattr(unit, name, fields[name])
        unit.save()
        result.updated += 1
    return unit


@transaction.atomic
def load_hanoi_units(data_file: Path = DATA_FILE) -> LoadResult:
    """Create or update the city, the legacy districts and communes, today's communes and the 2025 mapping."""
    data = json.loads(data_file.read_text(encoding="utf-8"))
    result = LoadResult()
    existing = {(u.code, u.valid_to): u for u in Unit.objects.exclude(code="")}

    province = data["province"]
    city = _upsert(
        existing,
        (province["code"], None),
        {
            "code": province["code"],
            "name": province["name"],
            "kind": UnitKind.CITY,
            "division_type": "thành phố",
            "parent": None,
            "valid_from": None,
            "valid_to": None,
        },
        result,
    )

    districts = {}
    for row in data["legacy_districts"]:
        districts[row["code"]] = _upsert(
            existing,
            (row["code"], LEGACY_END),
            {
                "code": row["code"],
                "name": row["name"],
                "kind": UnitKind.DISTRICT,
                "division_type": row["division_type"],
                "parent": city,
                "valid_from": None,
                "valid_to": LEGACY_END,
            },
            result,
        )

    legacy_wards = {}
    for row in data["legacy_wards"]:
        legacy_wards[row["code"]] = _upsert(
            existing,
            (row["code"], LEGACY_END),
            {
                "code": row["code"],
                "name": row["name"],
                "kind": UnitKind.COMMUNE,
                "division_type": row["division_type"],
                "parent": districts[row["district_code"]],
                "valid_from": None,
                "valid_to": LEGACY_END,
            },
            result,
        )

    wards = {}
    for row in data["wards"]:
        wards[row["code"]] = _upsert(
            existing,
            (row["code"], None),
            {
                "code": row["code"],
                "name": row["name"],
                "kind": UnitKind.COMMUNE,
                "division_type": row["division_type"],
                "parent": city,
                "valid_from": REFORM_START,
                "valid_to": None,
            },
            result,
        )

    reform, _created = Reorganisation.objects.update_or_create(
        name=REFORM_NAME, defaults={"legal_basis": REFORM_BASIS, "effective_date": REFORM_START}
    )
    known = set(UnitSuccession.objects.filter(reorganisation=reform).values_list("predecessor_id", "successor_id"))
    new_links = []
    for row in data["mapping"]:
        pair = (legacy_wards[row["legacy_code"]].pk, wards[row["new_code"]].pk)
        if pair not in known:
            known.add(pair)
            new_links.append(UnitSuccession(reorganisation=reform, predecessor_id=pair[0], successor_id=pair[1]))
    UnitSuccession.objects.bulk_create(new_links)
    result.successions_created = len(new_links)
    return result
