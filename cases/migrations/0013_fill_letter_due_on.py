"""The processing deadline of the letters registered before letters had one: 10 working days from receipt (the
rule of the letter processing step, as cases.deadlines.letter_due_on chooses it, over the holidays table). Worked
out once per distinct day of receipt (a few thousand at most, however many letters) and written by one UPDATE per
thousand days, SQL-side: hundreds of thousands of letters are never loaded."""

from django.db import migrations

from cases.calendar import DayKind, WorkCalendar, deadline

BATCH = 1000


def rule_on(rules, day):
    """The letter processing rule in force on a day for a letter (any kind): of those whose kind, attempt,
    complexity are blank and area blank or not remote, the most specific, first in the table's order."""

    def applies(rule):
        return (rule.valid_from is None or rule.valid_from <= day) and (rule.valid_to is None or day <= rule.valid_to)

    return max(filter(applies, rules), key=lambda rule: rule.remote_area is not None, default=None)


def fill(apps, schema_editor):
    Letter = apps.get_model("cases", "Letter")
    DeadlineRule = apps.get_model("cases", "DeadlineRule")
    Holiday = apps.get_model("cases", "Holiday")
    rules = list(
        DeadlineRule.objects.filter(step="letter_processing", case_kind="", attempt="", complexity="")
        .exclude(remote_area=True)
        .order_by("step", "case_kind", "attempt", "complexity", "pk")
    )
    if not rules:
        return
    off, on = set(), set()
    for day, is_working_day in Holiday.objects.values_list("date", "is_working_day"):
        (on if is_working_day else off).add(day)
    calendar = WorkCalendar(holidays=frozenset(off), extra_working_days=frozenset(on))
    open_letters = Letter.objects.filter(is_void=False, disposition="", due_on__isnull=True)
    days = sorted(open_letters.values_list("received_on", flat=True).distinct())
    pairs = []
    for day in days:
        rule = rule_on(rules, day)
        if rule is not None:
            pairs.append((day, deadline(day, rule.days, DayKind(rule.day_kind), calendar)))
    table = Letter._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        for start in range(0, len(pairs), BATCH):
            batch = pairs[start : start + BATCH]
            cursor.execute(
                f"""UPDATE {table} AS letter SET due_on = planned.due
                FROM (SELECT unnest(%s::date[]) AS received, unnest(%s::date[]) AS due) AS planned
                WHERE letter.received_on = planned.received AND letter.is_void = false
                AND letter.disposition = '' AND letter.due_on IS NULL""",
                [[received for received, _due in batch], [due for _received, due in batch]],
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0012_letter_due_on")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
