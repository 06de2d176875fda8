from django.db import migrations

PARTY_RULE = (
    "Quy định số 11-QĐi/TW ngày 18/02/2019 của Bộ Chính trị, sửa đổi, bổ sung theo Kết luận số 215-KL/TW (2025)"
)
LAW_2013 = "Luật Tiếp công dân năm 2013, Điều 15"

RULES = [
    # (unit kind, head, minimum days, per, legal basis)
    ("commune", "party_secretary", 2, "month", PARTY_RULE),
    ("city", "party_secretary", 1, "month", PARTY_RULE),
    ("commune", "pc_chairman", 1, "week", LAW_2013 + " khoản 3"),
    ("city", "pc_chairman", 1, "month", LAW_2013 + " khoản 1"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("citizens", "ReceptionDutyRule")
    for unit_kind, head, min_days, period, basis in RULES:
        Rule.objects.update_or_create(
            unit_kind=unit_kind,
            head_position=head,
            valid_from=None,
            defaults={"min_days": min_days, "period": period, "legal_basis": basis},
        )


def unseed(apps, schema_editor):
    Rule = apps.get_model("citizens", "ReceptionDutyRule")
    for unit_kind, head, _min_days, _period, _basis in RULES:
        Rule.objects.filter(unit_kind=unit_kind, head_position=head, valid_from=None).delete()


class Migration(migrations.Migration):
    dependencies = [("citizens", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
