"""The list of weak organizations over a period: its four figures, the organizations remaining, the export."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import User
from core.periods import half_year_start
from organizations import services
from organizations.choices import DossierOrigin, TaskStatus, TaskType, UnitKind
from organizations.models import WeakDossier, WeakReason
from organizations.weak_list import weak_figures, weak_remaining
from tests.factories import UnitFactory, merge_units

# The statistical half year of the merger: 15/06/2025 – 14/12/2025.
START, END = date(2025, 6, 15), date(2025, 12, 14)
PERIOD = {"start": "15/06/2025", "end": "14/12/2025"}


def organization(parent, name):
    return UnitFactory(name=name, kind=UnitKind.GRASSROOTS, division_type="", parent=parent, code="")


def identify(user, unit, on, year=None):
    return services.dossier_open(
        user=user, unit=unit, year=year or on.year, origin=DossierOrigin.RATING, identified_on=on
    )


def take_off(dossier, *, official, reviewer, on):
    """The whole road off the list: plan, submission, approval, re-assessment, taken off."""
    services.dossier_update(
        user=official, dossier=dossier, reasons=WeakReason.objects.all()[:1], goals="Khắc phục mất đoàn kết"
    )
    services.task_save(
        user=official,
        dossier=dossier,
        solution="Kiện toàn cấp ủy",
        task_type=TaskType.CADRE_WORK,
        owner="Bí thư",
        deadline=date(2025, 3, 31),
    )
    services.dossier_submit(user=official, dossier=dossier)
    services.dossier_approve(user=reviewer, dossier=dossier)
    services.dossier_reassess(user=reviewer, dossier=dossier, assessment="Đã khắc phục")
    return services.dossier_take_off_list(user=reviewer, dossier=dossier, on=on)


@pytest.fixture
def example(ward, old_ward, other_ward, ward_official, district_reviewer, other_ward_official):
    """A hand-built year of one ward's list, around the period 15/06/2025 – 14/12/2025."""
    a = organization(ward, "A · Chi bộ Tổ dân phố số 1")
    b = organization(ward, "B · Chi bộ Tổ dân phố số 2")
    c = organization(ward, "C · Chi bộ Tổ dân phố số 3")
    e = organization(old_ward, "E · Chi bộ Tổ dân phố cũ")
    e2 = organization(ward, "E2 · Chi bộ Tổ dân phố mới")
    merge_units([e], e2)
    f = organization(ward, "F · Chi bộ Trường Tiểu học")
    g = organization(ward, "G · Chi bộ Trạm Y tế")
    h = organization(ward, "H · Chi bộ Cơ quan")
    x = organization(other_ward, "X · Chi bộ Ngoài Phạm Vi")
    official, reviewer = ward_official, district_reviewer

    dossier_a = identify(official, a, date(2025, 1, 10), year=2024)  # on the list throughout
    identify(official, b, date(2025, 8, 1))  # identified during the period...
    identify(official, b, date(2025, 9, 1)).reasons.set(WeakReason.objects.all()[:1])  # ...and again: still one
    take_off(identify(official, c, date(2024, 12, 31)), official=official, reviewer=reviewer, on=date(2025, 10, 1))
    handed = identify(official, e, date(2025, 3, 1))
    services.dossier_hand_over(user=official, dossier=handed, successor=e2, on=date(2025, 7, 1))
    identify(official, f, date(2025, 12, 20))  # after the period
    take_off(identify(official, g, date(2024, 12, 31)), official=official, reviewer=reviewer, on=date(2025, 5, 1))
    WeakDossier.objects.filter(pk=identify(official, h, date(2025, 9, 1)).pk).update(is_void=True)
    identify(other_ward_official, x, date(2025, 8, 1))  # another ward's

    # A's plan as it stood on 14/12/2025: one task done by then, one late, one not yet due, one done after.
    for solution, deadline, done_on in [
        ("Kiện toàn chi ủy", date(2025, 9, 30), date(2025, 9, 15)),
        ("Sinh hoạt chuyên đề", date(2025, 10, 31), None),
        ("Giải quyết kiến nghị", date(2026, 1, 31), None),
        ("Rà soát đảng viên", date(2025, 12, 31), date(2025, 12, 20)),
    ]:
        services.task_save(
            user=official,
            dossier=dossier_a,
            solution=solution,
            task_type=TaskType.OTHER,
            owner="Bí thư chi bộ",
            deadline=deadline,
            status=TaskStatus.DONE if done_on else TaskStatus.NOT_STARTED,
            done_on=done_on,
        )
    for on in (date(2025, 9, 10), date(2025, 12, 20)):
        services.inspection_record(
            user=reviewer,
            dossier=dossier_a,
            kind="inspection",
            on=on,
            team="Ban Xây dựng Đảng",
            findings="",
            conclusions=[],
        )
    return {"a": a, "b": b, "c": c, "e": e, "e2": e2, "x": x}


def test_the_figures_of_the_period_as_worked_out_by_hand(example, ward_official):
    # On the list on 14/06/2025 (the day before the start): A, C (off only on 01/10), E (handed over on 01/07);
    #   not G (off on 01/05/2025), nor F (identified 20/12/2025), nor the voided H.        → 3
    # Newly identified 15/06–14/12/2025: B (twice, one organization); not E2 (continued from E's dossier)
    #   and not H (voided).                                                                → 1
    # Taken off the list during the period: C; E's hand-over is not a taking off.          → 1
    # On the list on 14/12/2025: A, B, E2.                                                 → 3
    # Check: 3 + 1 − 1 = 3; the hand-over E → E2 moves an organization without changing the count.
    figures = weak_figures(user=ward_official, start=START, end=END)
    assert figures == {"at_start": 3, "identified": 1, "taken_off": 1, "at_end": 3}


def test_the_figures_of_a_unit_cover_its_subtree(example, ward_official, old_ward):
    # Only E lies under the abolished ward: on the list at the start, handed over (to a unit not under it).
    figures = weak_figures(user=ward_official, start=START, end=END, unit=old_ward)
    assert figures == {"at_start": 1, "identified": 0, "taken_off": 0, "at_end": 0}


def test_the_remaining_organizations_with_their_plan_as_it_stood(example, ward_official):
    rows = list(weak_remaining(user=ward_official, end=END))
    assert [row.unit for row in rows] == [example["a"], example["b"], example["e2"]]
    a = rows[0]
    assert (a.task_count, a.tasks_done, a.tasks_late) == (4, 1, 1)
    assert a.last_inspection_on == date(2025, 9, 10)
    assert rows[1].identified_on == date(2025, 9, 1)  # B's later dossier
    assert rows[2].carried_from.unit == example["e"]


def test_the_page_shows_the_figures_and_the_table(client, example, ward_official):
    client.force_login(ward_official)
    response = client.get(reverse("organizations:weak_list"), PERIOD)
    assert response.status_code == 200
    assert [number for _key, _label, number in response.context["figures"]] == [3, 1, 1, 3]
    content = response.content.decode()
    assert example["b"].name in content and example["x"].name not in content
    assert 'id="figure-at_start">3<' in content


def test_the_period_defaults_to_the_statistical_half_year_to_date(client, ward, ward_official):
    client.force_login(ward_official)
    response = client.get(reverse("organizations:weak_list"))
    today = timezone.localdate()
    period = response.context["period"]
    assert (period["start"], period["end"]) == (half_year_start(today), today)
    presets = response.context["presets"]
    assert [(p.start, p.end) for p in presets][1:3] == [
        (date(today.year, 1 if today.month <= 6 else 7, 1), today),
        (date(today.year, 1, 1), today),
    ]


def test_a_period_ending_after_today_or_backwards_is_refused(client, ward, ward_official):
    client.force_login(ward_official)
    response = client.get(reverse("organizations:weak_list"), {"start": "01/01/2025", "end": "01/01/2099"})
    assert "end" in response.context["form"].errors and "period" not in response.context
    response = client.get(reverse("organizations:weak_list"), {"start": "01/01/2025", "end": "01/01/2024"})
    assert "start" in response.context["form"].errors


def test_another_wards_unit_cannot_be_chosen(client, example, other_ward, ward_official):
    client.force_login(ward_official)
    response = client.get(reverse("organizations:weak_list"), {**PERIOD, "unit": other_ward.pk})
    assert "unit" in response.context["form"].errors
    assert other_ward.name not in response.content.decode()


def test_the_export_shows_the_period_and_the_figures(client, example, ward_official):
    client.force_login(ward_official)
    response = client.get(reverse("organizations:weak_list_export"), PERIOD)
    assert response.status_code == 200
    name = "to-chuc-yeu-kem-20250615-20251214.xlsx"
    # A protected download like every other (core.downloads): saved, never sniffed, never cached.
    assert response["Content-Disposition"] == f"attachment; filename=\"{name}\"; filename*=UTF-8''{name}"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert "15/06/2025" in values[1][0] and "14/12/2025" in values[1][0]
    assert [row[0] for row in values[4:8]] == [3, 1, 1, 3]
    names = [row[1] for row in values[10:]]
    assert names == [example["a"].name, example["b"].name, example["e2"].name]
    a = values[10]
    assert a[4].date() == date(2025, 1, 10) and a[6:9] == (1, 4, 1) and a[9].date() == date(2025, 9, 10)
    assert example["x"].name not in str(values)


def test_an_invalid_export_goes_back_to_the_page(client, ward, ward_official):
    client.force_login(ward_official)
    response = client.get(reverse("organizations:weak_list_export"), {"end": "01/01/2099"})
    assert response.status_code == 302 and response.url.startswith(reverse("organizations:weak_list"))


def test_the_list_costs_the_same_queries_for_few_or_many(
    client, ward, ward_official, district_reviewer, django_assert_max_num_queries
):
    def add(count):
        units = [organization(ward, "Chi bộ") for _ in range(count)]
        # Fresh user objects: a user's scope is cached on the object, and these units are new.
        official, reviewer = (User.objects.get(pk=user.pk) for user in (ward_official, district_reviewer))
        for unit in units:
            dossier = identify(official, unit, date(2025, 7, 1))
            services.task_save(
                user=official,
                dossier=dossier,
                solution="Kiện toàn",
                task_type=TaskType.OTHER,
                owner="Bí thư",
                deadline=date(2025, 8, 1),
            )
            services.inspection_record(
                user=reviewer,
                dossier=dossier,
                kind="urging",
                on=date(2025, 9, 1),
                team="Tổ công tác",
                findings="",
                conclusions=[],
            )

    add(1)
    client.force_login(ward_official)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("organizations:weak_list"), PERIOD)
    add(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("organizations:weak_list"), PERIOD)
    assert len(response.context["dossiers"]) == 16
