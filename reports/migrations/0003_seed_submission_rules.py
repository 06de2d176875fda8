from django.db import migrations

# No law fixes when a party committee's units below submit their periodic report on complaints, denunciations and
# citizen reception: the steering committee sets it. Five days after the statistical cut-off (Circular
# 01/2024/TT-TTCP: 14 June, 14 December) leaves the committee above time to compile before its own report is due.
# The other period kinds (quarter I, nine months) are not chased until an administrator adds a rule or a due date.
BASIS = "Do Ban Chỉ đạo quy định"
RULES = [("half_year", 5), ("year", 5)]


def seed(apps, schema_editor):
    SubmissionRule = apps.get_model("reports", "SubmissionRule")
    for period_kind, days in RULES:
        # get_or_create: a rule an administrator has changed since is left as it is.
        SubmissionRule.objects.get_or_create(
            period_kind=period_kind, defaults={"days_after_end": days, "remind_days_before": 3, "basis": BASIS}
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_submission_deadlines")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
