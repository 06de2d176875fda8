"""Plausible reception activity for a demo commune/ward and the former ones it was formed from, from the start of the
half-year report two years back to today: regular sessions, the heads' periodic sessions (with some months short on
purpose, so the compliance page has something to flag), dialogues, visits with delegations, repeat visitors (some
coming back after the merger) and letters that opened cases, and a few sessions scheduled ahead.

Each session sits on the unit that existed on its day: a former ward before 01/07/2025, today's ward from then on."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from cases.choices import CaseKind
from cases.models import CaseField
from citizens.choices import HeadPosition, SessionKind, SessionStatus, VisitOutcome
from citizens.delegations import is_mass
from citizens.models import Citizen, Dialogue, ReceptionSession, Visit
from core.models import NumberSequence
from devtools import fake
from devtools.demo_units import WardFamily, division, full_address_tail, short_name
from organizations.models import Unit

KIND_BY_WORD = {"Tố cáo": CaseKind.DENUNCIATION, "Khiếu nại": CaseKind.COMPLAINT, "Kiến nghị": CaseKind.RECOMMENDATION}


@dataclass(frozen=True)
class Busyness:
    """How busy a unit's reception desk is: visits per session to draw from, the share of visits that leave a letter
    (each opens a case through the real services, the slow part of loading the demo), citizens on its register."""

    visits: tuple[int, ...]
    letters: float
    citizens: int


# The demo wards are busy; a former ward was a fifth of today's ward; the other wards with activity are quieter
# and most of their visitors are guided, so that the whole demo still loads in under a minute on SQLite.
BUSY = Busyness(visits=(0, 1, 1, 1, 2, 2), letters=0.3, citizens=120)
FORMER = Busyness(visits=(0, 0, 1, 1, 1), letters=0.15, citizens=40)
QUIET = Busyness(visits=(0, 0, 1, 1, 2), letters=0.1, citizens=50)
QUIET_FORMER = Busyness(visits=(0, 0, 0, 1, 1), letters=0.1, citizens=20)


def _content_kind(text: str) -> str:
    return next((kind for word, kind in KIND_BY_WORD.items() if text.startswith(word)), CaseKind.FEEDBACK)


def _number(unit: Unit, register: str, year: int) -> str:
    return f"{NumberSequence.next_value(unit_id=unit.pk, register=register, year=year)}/{year}"


def reporting_start(today: date) -> date:
    """The first day of the half-year report three halves before today's (15/12 or 15/06, Circular 01/2024/TT-TTCP):
    the demo then fills this half-year, the previous one and both halves of last year, each with its same period
    the year before where the register reaches back that far."""
    start = date(today.year, 6, 15) if date(today.year, 6, 15) <= today < date(today.year, 12, 15) else None
    if start is None:
        start = date(today.year if today >= date(today.year, 12, 15) else today.year - 1, 12, 15)
    for _ in range(3):
        start = date(start.year, 6, 15) if start.month == 12 else date(start.year - 1, 12, 15)
    return start


def _address(rng: random.Random, unit: Unit) -> str:
    tail = full_address_tail(unit)
    if "Ba Đình" in tail or unit.name == "Phường Ngọc Hà":
        return fake.address(rng, tail)  # fake.STREETS are the streets of Ba Đình
    if division(unit) == "phường":
        return f"Số {rng.randint(1, 250)}, ngõ {rng.randint(1, 120)}, tổ dân phố {rng.randint(1, 30)}, " + (
            full_address_tail(unit)
        )
    return f"Thôn {rng.randint(1, 12)}, {full_address_tail(unit)}"


@transaction.atomic
def ensure_reception_demo(
    family: WardFamily,
    official: User,
    *,
    seed: int,
    start: date,
    busy: Busyness = BUSY,
    former_busy: Busyness = FORMER,
) -> list[Visit]:
    """Create the reception registers of a ward and its former wards once (skipped when one of them already has
    sessions). Returns the visits at which a letter was received, for the cases demo to open their cases."""
    if ReceptionSession.objects.filter(unit__in=family.units()).exists():
        return []
    rng = random.Random(seed)
    today = timezone.localdate()
    fields = {f.code: f for f in CaseField.objects.all()}

    registers: dict[int, list[Citizen]] = {}
    for unit in family.units():
        size = busy.citizens if unit == family.current else former_busy.citizens
        citizens = [
            Citizen(
                unit=unit,
                full_name=fake.full_name(rng),
                national_id=fake.national_id(rng) if rng.random() < 0.8 else "",
                phone=fake.phone(rng) if rng.random() < 0.7 else "",
                address=_address(rng, unit),
                residence=family.current,  # where they live today
            )
            for _ in range(size)
        ]
        for citizen in citizens:
            citizen.refresh_search_text()  # bulk_create does not call save()
        registers[unit.pk] = bulk_create_with_history(citizens, Citizen, default_user=official)

    sessions: list[ReceptionSession] = []
    for unit in family.units():
        first, last = (family.merged_on, today + timedelta(days=30)) if unit == family.current else (start, None)
        sessions += _sessions(rng, unit, official, max(start, first), last or family.merged_on - timedelta(days=1))
    sessions = bulk_create_with_history(sessions, ReceptionSession, default_user=official)
    Dialogue.objects.bulk_create(
        [
            Dialogue(
                session=s,
                authority_side=f"{s.host_name}; Trưởng phòng Kinh tế, Hạ tầng và Đô thị",
                citizen_side=f"Đại diện các hộ dân ngõ {rng.randint(2, 90)}",
                content=rng.choice(
                    [
                        "Đối thoại về phương án bồi thường, hỗ trợ mở rộng ngõ",
                        "Đối thoại về việc cải tạo nhà tập thể xuống cấp",
                        "Đối thoại về tiến độ cấp Giấy chứng nhận quyền sử dụng đất",
                    ]
                ),
                result="Các hộ dân thống nhất phương án; đơn vị tiếp tục rà soát 2 trường hợp",
                attendees_count=rng.randint(8, 25),
                closed_at=s.starts_at + timedelta(hours=3),
            )
            for s in sessions
            if s.kind == SessionKind.DIALOGUE
        ]
    )

    # Courts of first instance were those of the districts until the 2025 reform, of areas since.
    courts = {unit.pk: "Tòa án nhân dân khu vực 1 - Hà Nội" for unit in family.units()}
    for unit in family.former:
        if unit.parent is not None and unit.parent.parent_id is not None:
            courts[unit.pk] = f"Tòa án nhân dân {unit.parent.name[0].lower()}{unit.parent.name[1:]}"
    visits: list[Visit] = []
    seen: set[int] = set()
    came_before_merger: list[Citizen] = []
    for session in sorted(sessions, key=lambda s: s.starts_at):
        if session.status != SessionStatus.HELD:
            continue
        unit = family.current if session.unit_id == family.current.pk else session.unit
        register = registers[session.unit_id]
        desk = busy if unit == family.current else former_busy
        for _ in range(rng.choice(desk.visits)):
            if came_before_merger and unit == family.current and rng.random() < 0.1:
                citizen = rng.choice(came_before_merger)  # back with the same matter after the merger
            elif rng.random() < 0.25:
                citizen = rng.choice(register[: len(register) // 3])  # the regulars
            else:
                citizen = rng.choice(register)
            field_code = rng.choice(list(fake.MATTERS))
            content = rng.choice(fake.MATTERS[field_code])
            people = rng.choice([1] * 12 + [2, 3] + [6, 7, 12])
            outcome = (
                VisitOutcome.LETTER_RECEIVED
                if rng.random() < desk.letters
                else rng.choice([VisitOutcome.GUIDED] * 6 + [VisitOutcome.TRANSFERRED, VisitOutcome.REFUSED])
            )
            court = courts[session.unit_id]
            visits.append(
                Visit(
                    session=session,
                    citizen=citizen,
                    people_count=people,
                    is_mass_delegation=is_mass(people),
                    content=content,
                    content_kind=_content_kind(content),
                    field=fields[field_code],
                    is_repeat=citizen.pk in seen,
                    outcome=outcome,
                    transferred_to=court if outcome == VisitOutcome.TRANSFERRED else "",
                    refusal_reason="Người đến tiếp đang trong tình trạng say rượu"
                    if outcome == VisitOutcome.REFUSED
                    else "",
                    created_by=official,
                )
            )
            if unit != family.current and citizen.pk not in seen:
                came_before_merger.append(citizen)
            seen.add(citizen.pk)
    visits = bulk_create_with_history(visits, Visit, default_user=official)

    return [v for v in visits if v.outcome == VisitOutcome.LETTER_RECEIVED]


def _sessions(rng: random.Random, unit: Unit, official: User, first: date, last: date) -> list[ReceptionSession]:
    """A unit's sessions from `first` to `last`: held until today, scheduled after (in the register's order)."""
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    level, short = division(unit), short_name(unit)
    secretary = f"Đồng chí Bí thư Đảng ủy {level} {short}"
    chairman = f"Đồng chí Chủ tịch UBND {level} {short}"
    officer = official.full_name if unit.valid_to is None else fake.full_name(rng)
    sessions = []

    def add(day, hour, kind, head="", in_person=False, host="", title="", status=SessionStatus.HELD):
        sessions.append(
            ReceptionSession(
                unit=unit,
                number=_number(unit, "session", day.year),
                kind=kind,
                status=status,
                starts_at=timezone.make_aware(datetime.combine(day, time(hour, 0)), tz),
                place=f"Trụ sở tiếp công dân {unit.name}",
                head_position=head,
                head_in_person=in_person,
                host_name=host,
                host_title=title,
                officials_present="Cán bộ tiếp công dân; công chức địa chính - xây dựng",
                created_by=official,
            )
        )

    day = first
    while day <= last:
        future = day > today
        status = SessionStatus.SCHEDULED if future else SessionStatus.HELD
        if day.weekday() == 1:  # Tuesday: regular reception by officers
            add(day, 8, SessionKind.REGULAR, host=officer, title="Cán bộ tiếp công dân", status=status)
        if day.weekday() == 3 and (future or rng.random() < 0.9):  # Thursday: the chairman, weekly
            in_person = rng.random() < 0.8
            host = chairman if in_person else f"Đồng chí Phó Chủ tịch UBND {level} {short}"
            add(day, 14, SessionKind.PERIODIC, HeadPosition.PC_CHAIRMAN, in_person, host, "", status)
        if day.day in (10, 25) and (future or rng.random() < 0.85):  # the party secretary, twice a month
            in_person = rng.random() < 0.85
            host = secretary if in_person else f"Đồng chí Phó Bí thư Thường trực Đảng ủy {level} {short}"
            add(day, 8, SessionKind.PERIODIC, HeadPosition.PARTY_SECRETARY, in_person, host, "", status)
        if day.day == 15 and day.month % 3 == 0 and not future:
            add(day, 9, SessionKind.DIALOGUE, HeadPosition.PC_CHAIRMAN, True, chairman)
        day += timedelta(days=1)
    return sessions
