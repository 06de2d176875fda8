"""The retention periods a unit starts with. Administrators check them against their archive's list of records
and retention periods (the office's "danh mục hồ sơ" under the Law on Archives and the Ministry of Home Affairs'
circular on retention periods) and adjust them in the admin site."""

from django.db import migrations

DEFAULTS = [
    (
        "archived_letter",
        1,
        "Thông tư 05/2021/TT-TTCP (đơn lưu, không xử lý: lưu giữ 01 năm)",
        "",
    ),
    (
        "forwarded_letter",
        5,
        "Nghị định 13/2023/NĐ-CP (chỉ lưu dữ liệu cá nhân trong thời gian cần thiết); Thông tư 10/2022/TT-BNV "
        "(thời hạn bảo quản hồ sơ, tài liệu)",
        "Đơn đã hướng dẫn, chuyển hoặc đôn đốc: đối chiếu danh mục hồ sơ của cơ quan.",
    ),
    (
        "closed_case",
        15,
        "Thông tư 10/2022/TT-BNV (hồ sơ giải quyết khiếu nại, tố cáo)",
        "Vụ việc có ý nghĩa đặc biệt: đặt lệnh tạm giữ để bảo quản lâu dài.",
    ),
    (
        "visit",
        5,
        "Nghị định 13/2023/NĐ-CP (chỉ lưu dữ liệu cá nhân trong thời gian cần thiết); Thông tư 04/2021/TT-TTCP "
        "(sổ tiếp công dân)",
        "Lượt tiếp chỉ hướng dẫn, giải thích, không phát sinh đơn hay vụ việc.",
    ),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    for kind, years, legal_basis, note in DEFAULTS:
        RetentionRule.objects.get_or_create(
            kind=kind, defaults={"years": years, "legal_basis": legal_basis, "note": note}
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
