from django.db import migrations

# The fields named in the inspectorate's statistics forms and DESIGN §5; administrators may add more.
FIELDS = [
    ("dat-dai", "Đất đai"),
    ("giai-phong-mat-bang", "Bồi thường, hỗ trợ, tái định cư, giải phóng mặt bằng"),
    ("dat-nong-nghiep", "Quản lý, sử dụng đất nông nghiệp"),
    ("trat-tu-xay-dung", "Trật tự xây dựng"),
    ("nha-o", "Nhà ở"),
    ("che-do-chinh-sach", "Chế độ, chính sách"),
    ("tu-phap", "Tư pháp"),
    ("tham-nhung", "Tham nhũng, tiêu cực"),
    ("dang-vien", "Đảng viên"),
    ("khac", "Lĩnh vực khác"),
]


def seed(apps, schema_editor):
    CaseField = apps.get_model("cases", "CaseField")
    for position, (code, name) in enumerate(FIELDS, start=1):
        CaseField.objects.update_or_create(code=code, defaults={"name": name, "position": position * 10})


def unseed(apps, schema_editor):
    apps.get_model("cases", "CaseField").objects.filter(code__in=[code for code, _name in FIELDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]

    operations = [migrations.RunPython(seed, unseed)]
