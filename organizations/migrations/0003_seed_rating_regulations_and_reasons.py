from decimal import Decimal

from django.db import migrations

REGULATIONS = [
    # code, name, from, to, weak level, score, excellent, good, completed
    ("27-HD/BTCTW", "Hướng dẫn số 27-HD/BTCTW năm 2014 của Ban Tổ chức Trung ương", 2014, 2017, True, False,
     None, None, None),
    ("132-QĐ/TW", "Quy định số 132-QĐ/TW năm 2018 của Bộ Chính trị", 2018, 2022, False, False, None, None, None),
    ("124-QĐ/TW", "Quy định số 124-QĐ/TW năm 2023 của Bộ Chính trị", 2023, 2024, False, False, None, None, None),
    ("366-QĐ/TW", "Quy định số 366-QĐ/TW năm 2025 của Bộ Chính trị", 2025, None, False, True,
     Decimal(90), Decimal(70), Decimal(50)),
]

REASONS = [
    ("mat-doan-ket", "Nội bộ mất đoàn kết"),
    ("vi-pham-ky-luat", "Tập thể hoặc đảng viên vi phạm kỷ luật"),
    ("chi-tieu-duoi-50", "Thực hiện dưới 50% chỉ tiêu, nhiệm vụ"),
    ("cong-tac-can-bo", "Công tác cán bộ yếu, thiếu cán bộ chủ chốt"),
    ("dan-sinh-buc-xuc", "Có vấn đề dân sinh bức xúc kéo dài"),
    ("an-ninh-khieu-nai", "Tình hình an ninh, trật tự, khiếu nại, tố cáo phức tạp"),
    ("khac", "Nguyên nhân khác"),
]


def seed(apps, schema_editor):
    Regulation = apps.get_model("organizations", "RatingRegulation")
    for code, name, start, end, weak, score, excellent, good, completed in REGULATIONS:
        Regulation.objects.update_or_create(
            code=code,
            defaults={"name": name, "year_from": start, "year_to": end, "has_weak_level": weak, "uses_score": score,
                      "excellent_min": excellent, "good_min": good, "completed_min": completed},
        )
    Reason = apps.get_model("organizations", "WeakReason")
    for position, (code, name) in enumerate(REASONS, start=1):
        Reason.objects.update_or_create(code=code, defaults={"name": name, "position": position * 10})


def unseed(apps, schema_editor):
    apps.get_model("organizations", "RatingRegulation").objects.filter(code__in=[r[0] for r in REGULATIONS]).delete()
    apps.get_model("organizations", "WeakReason").objects.filter(code__in=[r[0] for r in REASONS]).delete()


class Migration(migrations.Migration):
    dependencies = [("organizations", "0002_weak_organization_dossiers")]

    operations = [migrations.RunPython(seed, unseed)]
