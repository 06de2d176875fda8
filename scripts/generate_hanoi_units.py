"""Generate ``organizations/data/hanoi_units.json``: Hanoi's administrative units, old and new.

The data comes from the PyPI package ``vietnam-provinces`` (GPL-3.0-or-later), which packages the
National Statistics Office (Tổng cục Thống kê / Cục Thống kê) list of administrative units. The names
and codes are public facts; the package is used ONLY to generate this data file and must NOT become a
dependency of the project. Run this script in a throwaway virtualenv outside the repository
(the package needs Python >= 3.12)::

    PYENV_VERSION=3.13.0 python3.13 -m venv /tmp/vnp-venv
    /tmp/vnp-venv/bin/pip install 'vietnam-provinces==2026.9.0'
    /tmp/vnp-venv/bin/python scripts/generate_hanoi_units.py

Output (sorted by code, UTF-8):

- ``province``: Hanoi (code ``01``).
- ``legacy_districts`` / ``legacy_wards``: the 3-level divisions (province → district → ward) in force
  until 30 June 2025.
- ``wards``: the 2-level divisions (province → ward/commune) in force since 1 July 2025.
- ``mapping``: legacy ward → new ward(s); a legacy ward split across several new wards has several rows.
"""

import argparse
import datetime
import json
import sys
from collections import Counter
from pathlib import Path

import vietnam_provinces
from vietnam_provinces import Province, ProvinceCode, Ward, legacy

SOURCE = "vietnam-provinces {version} (National Statistics Office list of administrative units)"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "organizations" / "data" / "hanoi_units.json"
HANOI = 1


def padded(code) -> str:
    """Return the official zero-padded code from the package's enum member name (``W_00004`` -> ``00004``)."""
    text = code.name.split("_", 1)[1]
    if not text.isdigit() or int(text) != code.value:
        raise ValueError(f"Unexpected code enum member {code!r}")
    return text


def build() -> dict:
    province = Province.from_code(ProvinceCode(HANOI))
    legacy_province = legacy.Province.from_code(legacy.ProvinceCode(HANOI))
    if province.name != legacy_province.name:
        raise ValueError(f"Province name differs: {province.name!r} vs legacy {legacy_province.name!r}")

    legacy_districts = sorted(legacy.District.iter_by_province(legacy_province.code), key=lambda d: d.code)
    legacy_wards = sorted(legacy.Ward.iter_by_province(legacy_province.code), key=lambda w: w.code)
    wards = sorted(Ward.iter_by_province(province.code), key=lambda w: w.code)

    new_codes = {w.code.value for w in wards}
    mapping = []
    for legacy_ward in legacy_wards:
        successors = sorted({found.ward.code for found in Ward.search_from_legacy(code=legacy_ward.code.value)})
        for new_code in successors:
            if new_code.value not in new_codes:
                raise ValueError(f"{legacy_ward.name} ({legacy_ward.code.value}) maps outside Hanoi: {new_code!r}")
            mapping.append({"legacy_code": padded(legacy_ward.code), "new_code": padded(new_code)})

    return {
        "source": SOURCE.format(version=vietnam_provinces.__version__),
        "generated": datetime.date.today().isoformat(),
        "province": {"code": padded(province.code), "name": province.name},
        "legacy_districts": [
            {"code": padded(d.code), "name": d.name, "division_type": d.division_type.value} for d in legacy_districts
        ],
        "legacy_wards": [
            {
                "code": padded(w.code),
                "name": w.name,
                "division_type": w.division_type.value,
                "district_code": padded(w.district_code),
            }
            for w in legacy_wards
        ],
        "wards": [{"code": padded(w.code), "name": w.name, "division_type": w.division_type.value} for w in wards],
        "mapping": mapping,
    }


def report(data: dict) -> None:
    """Print counts and consistency checks to stderr."""
    out = sys.stderr
    for key in ("legacy_districts", "legacy_wards", "wards"):
        types = Counter(item["division_type"] for item in data[key])
        print(f"{key}: {len(data[key])} {dict(sorted(types.items()))}", file=out)
    legacy_codes = {w["code"] for w in data["legacy_wards"]}
    new_codes = {w["code"] for w in data["wards"]}
    district_codes = {d["code"] for d in data["legacy_districts"]}
    successors = Counter(row["legacy_code"] for row in data["mapping"])
    buckets = Counter(min(successors.get(code, 0), 2) for code in legacy_codes)
    print(
        f"mapping: {len(data['mapping'])} rows; legacy wards with 0 / 1 / >1 successors: "
        f"{buckets[0]} / {buckets[1]} / {buckets[2]}",
        file=out,
    )
    unmapped = sorted(legacy_codes - successors.keys())
    if unmapped:
        print(f"legacy wards without successor: {unmapped}", file=out)
    unsourced = sorted(new_codes - {row["new_code"] for row in data["mapping"]})
    if unsourced:
        print(f"new wards without legacy source: {unsourced}", file=out)
    bad_rows = [r for r in data["mapping"] if r["legacy_code"] not in legacy_codes or r["new_code"] not in new_codes]
    bad_districts = [w["code"] for w in data["legacy_wards"] if w["district_code"] not in district_codes]
    print(
        f"mapping rows with unknown codes: {len(bad_rows)}; wards with unknown district: {len(bad_districts)}", file=out
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, help=f"default: {DEFAULT_OUTPUT}")
    args = parser.parse_args()
    data = build()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.output}", file=sys.stderr)
    report(data)


if __name__ == "__main__":
    main()
