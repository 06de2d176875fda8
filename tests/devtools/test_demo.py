"""The demo data set exercises the design (#16): every record sits on the unit that existed on its date (the former
wards before the 2025 merger, seen by today's wards through the normal scoping), a dozen communes/wards have activity
in both half-years of the reporting calendar of 2025 and 2026, nothing has happened in the future, and every inbox
and queue of the demo accounts has something in it.

Loading the demo takes a while, so one test loads it once and checks it all."""

from collections import defaultdict
from datetime import date, datetime

import pytest
from django.utils import timezone

from accounts.models import User
from cases.models import Case, CaseDesignation, Letter, Transfer, TransferUrge
from cases.selectors import due_queryset, letter_due_queryset
from cases.transfers import transfers_inbox
from citizens.choices import SessionStatus
from citizens.models import ReceptionSession
from devtools.demo import load_demo
from devtools.demo_reception import reporting_start
from devtools.demo_units import ACTIVE_WARD_CODES, short_name, ward_families
from organizations.choices import DossierStatus, UnitKind
from organizations.models import Unit, UnitSuccession, WeakDossier
from organizations.units_loader import load_hanoi_units
from retention.models import RecordKind, RetentionHold
from retention.selectors import past_period

pytestmark = pytest.mark.django_db

MERGER = date(2025, 7, 1)
# The half-years of the party reporting calendar (Circular 01/2024/TT-TTCP) the demo must fill.
HALVES = [
    (date(2024, 12, 15), date(2025, 6, 14)),
    (date(2025, 6, 15), date(2025, 12, 14)),
    (date(2025, 12, 15), date(2026, 6, 14)),
    (date(2026, 6, 15), date(2026, 12, 14)),
]


def _local_day(value: datetime) -> date:
    return timezone.localdate(value)


@pytest.fixture
def today_5_december_2026(monkeypatch):
    """The demo is dated from today; the checks name the half-years of 2025 and 2026."""
    fixed = timezone.make_aware(datetime(2026, 12, 5, 9, 0))
    monkeypatch.setattr(timezone, "now", lambda: fixed)
    return fixed.date()


def test_reporting_start_is_three_halves_before_todays():
    assert reporting_start(date(2026, 12, 5)) == date(2024, 12, 15)
    assert reporting_start(date(2026, 12, 14)) == date(2024, 12, 15)
    assert reporting_start(date(2026, 12, 15)) == date(2025, 6, 15)  # the first day of the 2027 half-year
    assert reporting_start(date(2026, 6, 14)) == date(2024, 6, 15)
    assert reporting_start(date(2026, 6, 15)) == date(2024, 12, 15)
    assert reporting_start(date(2026, 1, 1)) == date(2024, 6, 15)


def test_former_wards_come_from_unit_succession_and_are_not_shared():
    load_hanoi_units()
    families = ward_families(["00004", "00008", *ACTIVE_WARD_CODES], former_per_ward=[3, 3] + [2] * 12)
    assert len(families) == 14
    taken: list[int] = []
    for family in families:
        assert family.current.valid_to is None and family.current.valid_from == MERGER
        for former in family.former:
            assert former.valid_to == date(2025, 6, 30)
            assert UnitSuccession.objects.filter(predecessor=former, successor=family.current).exists()
        taken += [unit.pk for unit in family.former]
    assert len(taken) == len(set(taken)) == 6 + 24
    # Wholly merged wards first: Trúc Bạch and Quán Thánh went to Ba Đình alone.
    assert [u.name for u in families[0].former[:2]] == ["Phường Trúc Bạch", "Phường Quán Thánh"]
    assert short_name(families[0].current) == "Ba Đình"


def test_the_demo_puts_each_record_on_the_unit_of_its_date_and_fills_every_queue(today_5_december_2026):
    today = today_5_december_2026
    load_hanoi_units()
    load_demo()
    units = {u.pk: u for u in Unit.objects.filter(kind=UnitKind.COMMUNE)}

    # Every record on a unit that existed on its date; nothing that has happened is in the future.
    dated: list[tuple[str, int, date]] = []
    for pk, unit_id, starts_at, status in ReceptionSession.objects.values_list("pk", "unit", "starts_at", "status"):
        day = _local_day(starts_at)
        dated.append(("session", unit_id, day))
        assert status == SessionStatus.SCHEDULED or day <= today, pk
    dated += [("letter", u, d) for u, d in Letter.objects.values_list("unit", "received_on")]
    dated += [("case", u, d) for u, d in Case.objects.values_list("unit", "received_on")]
    for kind, unit_id, day in dated:
        unit = units[unit_id]
        assert (unit.valid_from or day) <= day <= (unit.valid_to or day), (kind, unit.name, day)
        assert kind == "session" or day <= today
    assert not Case.objects.filter(concluded_on__gt=today).exists()
    assert not Case.objects.filter(closed_on__gt=today).exists()
    assert ReceptionSession.objects.filter(status=SessionStatus.SCHEDULED, starts_at__date__gt=today).exists()

    # Ba Đình's records before the merger sit on the wards it was formed from, and its official sees them.
    ba_dinh = Unit.objects.get(code="00004", valid_to__isnull=True)
    former = set(UnitSuccession.objects.filter(successor=ba_dinh).values_list("predecessor", flat=True))
    official = User.objects.get(username="canbo.badinh")
    before = Case.objects.visible_to(official).filter(received_on__lt=MERGER)
    assert before.exists() and set(before.values_list("unit", flat=True)) <= former
    assert not Case.objects.filter(unit=ba_dinh, received_on__lt=MERGER).exists()
    assert ReceptionSession.objects.visible_to(official).filter(unit__in=former).exists()
    assert Letter.objects.visible_to(official).filter(unit__in=former).exists()

    # A dozen communes/wards of today with sessions, letters and cases in each half-year of 2025 and 2026, counted
    # on today's unit and the units it replaced.
    successors: dict[int, set[int]] = defaultdict(set)
    for predecessor, successor in UnitSuccession.objects.values_list("predecessor", "successor"):
        successors[predecessor].add(successor)
    activity: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for kind, unit_id, day in dated:
        half = next((i for i, (start, end) in enumerate(HALVES) if start <= day <= end), None)
        if half is None or day > today:
            continue
        for current in successors.get(unit_id, set()) | {unit_id}:
            activity[current].add((kind, half))
    full = {(kind, half) for kind in ("session", "letter", "case") for half in range(len(HALVES))}
    busy = [pk for pk, seen in activity.items() if units[pk].valid_to is None and seen >= full]
    assert 12 <= len(busy) <= 15, sorted(units[pk].name for pk in busy)

    # Every inbox and queue has something in it.
    assert due_queryset(user=official, overdue=True).exists()
    assert due_queryset(user=official, overdue=False).exists()
    assert letter_due_queryset(user=official, overdue=True).exists()
    assert letter_due_queryset(user=official, overdue=False).exists()
    assert Letter.objects.visible_to(official).filter(content="", disposition="").exists()  # not yet classified
    reviewer = User.objects.get(username="thamdinh.badinh")
    assert WeakDossier.objects.visible_to(reviewer).filter(status=DossierStatus.SUBMITTED).exists()
    assert CaseDesignation.objects.filter(case__unit__in=[ba_dinh.pk, *former], designated_by=reviewer).count() == 3
    assert RetentionHold.objects.filter(placed_by=reviewer).exists()
    assert past_period(RecordKind.ARCHIVED_LETTER, user=reviewer).exists()  # more past their period than held
    # Transfers between the two demo wards in each state, so both inboxes have something in them.
    assert set(Transfer.objects.values_list("status", flat=True)) == {"sent", "received", "registered", "returned"}
    assert TransferUrge.objects.exists() and transfers_inbox(official).filter(status="sent").exists()

    # Safe to run again: nothing is added twice.
    counts = (ReceptionSession.objects.count(), Letter.objects.count(), Case.objects.count(), User.objects.count())
    load_demo()
    assert (ReceptionSession.objects.count(), Letter.objects.count(), Case.objects.count(), User.objects.count()) == (
        counts
    )
