"""Demo party organizations under the demo wards (real wards, invented organizations)."""

from organizations.choices import UnitKind
from organizations.models import Unit

# Grassroots organizations a ward's party committee typically has: residential areas, schools, health,
# police and the ward's own offices.
GRASSROOTS_TEMPLATES = [
    ("Chi bộ Tổ dân phố số {n}", UnitKind.GRASSROOTS),
    ("Chi bộ Khu dân cư số {n}", UnitKind.GRASSROOTS),
    ("Đảng bộ Trường Trung học cơ sở {ward}", UnitKind.GRASSROOTS),
    ("Chi bộ Trường Tiểu học {ward}", UnitKind.GRASSROOTS),
    ("Chi bộ Trạm Y tế {ward}", UnitKind.GRASSROOTS),
    ("Đảng bộ Công an {ward}", UnitKind.GRASSROOTS),
    ("Chi bộ Cơ quan Ủy ban nhân dân {ward}", UnitKind.GRASSROOTS),
]


def ensure_demo_organizations(ward: Unit, residential_areas: int = 4) -> list[Unit]:
    """Create (once) the grassroots organizations of a demo ward and a party cell under the police committee."""
    short = ward.name.removeprefix("Phường ").removeprefix("Xã ")
    names = []
    for template, kind in GRASSROOTS_TEMPLATES:
        if "{n}" in template:
            names += [(template.format(n=n), kind) for n in range(1, residential_areas + 1) if "Tổ" in template]
            names += [(template.format(n=n), kind) for n in range(1, 3) if "Khu" in template]
        else:
            names.append((template.format(ward=f"phường {short}" if "Phường" in ward.name else f"xã {short}"), kind))
    organizations = []
    for name, kind in names:
        # Without an official code: organizations of the same name made by `generate_data` carry a "G…" code.
        unit, _created = Unit.objects.get_or_create(
            parent=ward, name=name, code="", defaults={"kind": kind, "valid_from": ward.valid_from}
        )
        organizations.append(unit)
    police = next(u for u in organizations if u.name.startswith("Đảng bộ Công an"))
    Unit.objects.get_or_create(
        parent=police, name="Chi bộ Cảnh sát khu vực", defaults={"kind": UnitKind.CELL, "valid_from": ward.valid_from}
    )
    return organizations
