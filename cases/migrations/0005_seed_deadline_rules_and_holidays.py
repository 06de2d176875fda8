from datetime import date

import holidays
from django.db import migrations

COMPLAINTS = "Luật Khiếu nại năm 2011"
DENUNCIATIONS = "Luật Tố cáo năm 2018"

# (step, case kind, attempt, complexity, remote area, days, day kind, extensions, days per extension, basis)
RULES = [
    ("letter_processing", "", "", "", None, 10, "working", 0, 0, "Thông tư số 05/2021/TT-TTCP (xử lý đơn)"),
    ("complaint_accept", "complaint", "", "", None, 10, "calendar", 0, 0, f"{COMPLAINTS}, Điều 27"),
    ("resolve", "complaint", "first", "normal", False, 30, "calendar", 0, 0, f"{COMPLAINTS}, Điều 28"),
    ("resolve", "complaint", "first", "complex", False, 45, "calendar", 0, 0, f"{COMPLAINTS}, Điều 28"),
    ("resolve", "complaint", "first", "very_complex", False, 45, "calendar", 0, 0, f"{COMPLAINTS}, Điều 28"),
    ("resolve", "complaint", "first", "normal", True, 45, "calendar", 0, 0, f"{COMPLAINTS}, Điều 28"),
    ("resolve", "complaint", "first", "complex", True, 60, "calendar", 0, 0, f"{COMPLAINTS}, Điều 28"),
    ("resolve", "complaint", "first", "very_complex", True, 60, "calendar", 0, 0, f"{COMPLAINTS}, Điều 28"),
    ("resolve", "complaint", "second", "normal", False, 45, "calendar", 0, 0, f"{COMPLAINTS}, Điều 37"),
    ("resolve", "complaint", "second", "complex", False, 60, "calendar", 0, 0, f"{COMPLAINTS}, Điều 37"),
    ("resolve", "complaint", "second", "very_complex", False, 60, "calendar", 0, 0, f"{COMPLAINTS}, Điều 37"),
    ("resolve", "complaint", "second", "normal", True, 60, "calendar", 0, 0, f"{COMPLAINTS}, Điều 37"),
    ("resolve", "complaint", "second", "complex", True, 70, "calendar", 0, 0, f"{COMPLAINTS}, Điều 37"),
    ("resolve", "complaint", "second", "very_complex", True, 70, "calendar", 0, 0, f"{COMPLAINTS}, Điều 37"),
    # 7 working days; up to 10 when the information must be checked at several places (one extension of 3).
    ("denunciation_initial", "denunciation", "", "", None, 7, "working", 1, 3, f"{DENUNCIATIONS}, Điều 24"),
    # 30 days from acceptance; extended once by 30 for a complex case, twice for a very complex one.
    ("resolve", "denunciation", "", "normal", None, 30, "calendar", 0, 0, f"{DENUNCIATIONS}, Điều 30"),
    ("resolve", "denunciation", "", "complex", None, 30, "calendar", 1, 30, f"{DENUNCIATIONS}, Điều 30"),
    ("resolve", "denunciation", "", "very_complex", None, 30, "calendar", 2, 30, f"{DENUNCIATIONS}, Điều 30"),
    ("head_notice", "", "", "", None, 10, "working", 0, 0, "Quy định số 11-QĐi/TW ngày 18/02/2019 của Bộ Chính trị"),
]

YEARS = range(2024, 2028)


def seed(apps, schema_editor):
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    for step, kind, attempt, complexity, remote, days, day_kind, ext, ext_days, basis in RULES:
        DeadlineRule.objects.update_or_create(
            step=step,
            case_kind=kind,
            attempt=attempt,
            complexity=complexity,
            remote_area=remote,
            valid_from=None,
            defaults={
                "days": days,
                "day_kind": day_kind,
                "max_extensions": ext,
                "extension_days": ext_days,
                "legal_basis": basis,
            },
        )
    Holiday = apps.get_model("cases", "Holiday")
    vietnam = holidays.country_holidays("VN", years=list(YEARS), language="vi")
    for day, name in vietnam.items():
        Holiday.objects.update_or_create(date=day, defaults={"name": name[:150], "is_working_day": False})
    for day in getattr(vietnam, "weekend_workdays", ()):
        if day.year in YEARS:
            Holiday.objects.update_or_create(date=day, defaults={"name": "Ngày làm bù", "is_working_day": True})


def unseed(apps, schema_editor):
    apps.get_model("cases", "DeadlineRule").objects.filter(valid_from=None).delete()
    apps.get_model("cases", "Holiday").objects.filter(date__gte=date(YEARS.start, 1, 1)).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_letters_deadlines_flags_attachments")]

    operations = [migrations.RunPython(seed, unseed)]
