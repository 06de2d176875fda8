"""Two years of plausible reception activity for the demo wards: regular sessions, the heads' periodic
sessions (with some months short on purpose, so the compliance page has something to flag), dialogues,
visits with delegations, repeat visitors and letters that opened cases, and a few sessions scheduled ahead."""

import random
from datetime import datetime, time, timedelta

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
from organizations.models import Unit

KIND_BY_WORD = {"Tố cáo": CaseKind.DENUNCIATION, "Khiếu nại": CaseKind.COMPLAINT, "Kiến nghị": CaseKind.RECOMMENDATION}


def _content_kind(text: str) -> str:
    return next((kind for word, kind in KIND_BY_WORD.items() if text.startswith(word)), CaseKind.FEEDBACK)


def _number(unit: Unit, register: str, year: int) -> str:
    return f"{NumberSequence.next_value(unit_id=unit.pk, register=register, year=year)}/{year}"


@transaction.atomic
def ensure_reception_demo(ward: Unit, official: User, *, seed: int, months: int = 24) -> list[Visit]:
    """Create the ward's demo reception register once (skipped when the ward already has sessions). Returns
    the visits at which a letter was received, for the cases demo to open their cases."""
    if ReceptionSession.objects.filter(unit=ward).exists():
        return []
    rng = random.Random(seed)
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    start = today - timedelta(days=30 * months)
    fields = {f.code: f for f in CaseField.objects.all()}
    short = ward.name.removeprefix("Phường ")

    citizens = [
        Citizen(
            unit=ward,
            full_name=fake.full_name(rng),
            national_id=fake.national_id(rng) if rng.random() < 0.8 else "",
            phone=fake.phone(rng) if rng.random() < 0.7 else "",
            address=fake.address(rng, ward.name),
            residence=ward,
        )
        for _ in range(120)
    ]
    for citizen in citizens:
        citizen.refresh_search_text()  # bulk_create does not call save()
    citizens = bulk_create_with_history(citizens, Citizen, default_user=official)

    sessions = []

    def add(day, hour, kind, head="", in_person=False, host="", title="", status=SessionStatus.HELD):
        starts_at = timezone.make_aware(datetime.combine(day, time(hour, 0)), tz)
        sessions.append(
            ReceptionSession(
                unit=ward,
                number=_number(ward, "session", day.year),
                kind=kind,
                status=status,
                starts_at=starts_at,
                place=f"Trụ sở tiếp công dân {ward.name}",
                head_position=head,
                head_in_person=in_person,
                host_name=host,
                host_title=title,
                officials_present="Cán bộ tiếp công dân; công chức địa chính - xây dựng",
                created_by=official,
            )
        )

    secretary = f"Đồng chí Bí thư Đảng ủy phường {short}"
    chairman = f"Đồng chí Chủ tịch UBND phường {short}"
    day = start
    while day <= today + timedelta(days=30):
        future = day > today
        status = SessionStatus.SCHEDULED if future else SessionStatus.HELD
        if day.weekday() == 1:  # Tuesday: regular reception by officers
            add(day, 8, SessionKind.REGULAR, host="Nguyễn Thị Hương", title="Cán bộ tiếp công dân", status=status)
        if day.weekday() == 3 and (future or rng.random() < 0.9):  # Thursday: the chairman, weekly
            in_person = rng.random() < 0.8
            add(
                day,
                14,
                SessionKind.PERIODIC,
                HeadPosition.PC_CHAIRMAN,
                in_person,
                chairman if in_person else "Đồng chí Phó Chủ tịch UBND phường",
                "",
                status,
            )
        if day.day in (10, 25) and (future or rng.random() < 0.85):  # the party secretary, twice a month
            in_person = rng.random() < 0.85
            add(
                day,
                8,
                SessionKind.PERIODIC,
                HeadPosition.PARTY_SECRETARY,
                in_person,
                secretary if in_person else "Đồng chí Phó Bí thư Thường trực Đảng ủy phường",
                "",
                status,
            )
        if day.day == 15 and day.month % 3 == 0 and not future:
            add(day, 9, SessionKind.DIALOGUE, HeadPosition.PC_CHAIRMAN, True, chairman)
        day += timedelta(days=1)
    sessions = bulk_create_with_history(sessions, ReceptionSession, default_user=official)
    Dialogue.objects.bulk_create(
        [
            Dialogue(
                session=s,
                authority_side=f"{chairman}; Trưởng phòng Kinh tế, Hạ tầng và Đô thị",
                citizen_side="Đại diện các hộ dân ngõ 12",
                content="Đối thoại về phương án bồi thường, hỗ trợ mở rộng ngõ",
                result="Các hộ dân thống nhất phương án; phường tiếp tục rà soát 2 trường hợp",
                attendees_count=rng.randint(8, 25),
                closed_at=s.starts_at + timedelta(hours=3),
            )
            for s in sessions
            if s.kind == SessionKind.DIALOGUE
        ]
    )

    visits, seen = [], set()
    for session in sessions:
        if session.status != SessionStatus.HELD:
            continue
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            citizen = rng.choice(citizens[:40]) if rng.random() < 0.25 else rng.choice(citizens)
            field_code = rng.choice(list(fake.MATTERS))
            content = rng.choice(fake.MATTERS[field_code])
            people = rng.choice([1] * 12 + [2, 3] + [6, 7, 12])
            outcome = rng.choice(
                [VisitOutcome.GUIDED] * 5
                + [VisitOutcome.LETTER_RECEIVED] * 3
                + [VisitOutcome.TRANSFERRED, VisitOutcome.REFUSED]
            )
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
                    transferred_to="Tòa án nhân dân khu vực 1 - Hà Nội" if outcome == VisitOutcome.TRANSFERRED else "",
                    refusal_reason="Người đến tiếp đang trong tình trạng say rượu"
                    if outcome == VisitOutcome.REFUSED
                    else "",
                    created_by=official,
                )
            )
            seen.add(citizen.pk)
    visits = bulk_create_with_history(visits, Visit, default_user=official)

    return [v for v in visits if v.outcome == VisitOutcome.LETTER_RECEIVED]
