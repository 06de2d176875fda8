"""Demo letters and cases for a demo commune/ward and its former wards: the letters received at reception visits
become cases through the real services (so deadlines, timelines and history are genuine), older ones moved along
the workflow, plus letters by post — some anonymous and archived — and, for Ba Đình, a few designated hot spots
and focus cases. A letter or case sits on the unit that existed on the day it was received (a former ward before
01/07/2025) and stays there while today's ward handles it."""

import random
from datetime import date, timedelta

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from cases import services
from cases.choices import OPEN_STATUSES, CaseKind
from cases.deadlines import letter_due_on
from cases.models import Case, CaseField
from citizens.models import Citizen, Visit
from devtools import fake
from devtools.demo_units import WardFamily, division, short_name


def _day(rng: random.Random, start: date, limit: date) -> date:
    return min(start + timedelta(days=rng.randint(1, 12)), limit)


def _due_soon_receipt(today: date) -> date:
    """The latest day of receipt whose processing deadline (10 working days) falls within the due-soon window."""
    for back in range(1, 30):
        day = today - timedelta(days=back)
        due = letter_due_on(day)
        if due is not None and today <= due <= today + timedelta(days=settings.DUE_SOON_DAYS):
            return day
    return today - timedelta(days=10)


def ensure_cases_demo(
    *,
    family: WardFamily,
    official: User,
    head: User | None,
    designator: User | None,
    visits: list[Visit],
    seed: int,
    start: date,
    post_letters: int = 25,
) -> None:
    """Open the visits' cases and age them plausibly; `head` signs the conclusions the official records,
    `designator` marks hot spots and focus cases. Runs once per ward (skipped when its reception demo was)."""
    if not visits:
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    cases = [services.case_open_from_visit(user=official, visit=visit) for visit in visits]
    fields = list(CaseField.objects.all())
    # Who may write to a unit: its own register's citizens; today's ward hears from anyone of the family.
    senders: dict[int, list[Citizen]] = {}
    for visit in visits:
        senders.setdefault(visit.citizen.unit_id, []).append(visit.citizen)
    everyone = [citizen for group in senders.values() for citizen in group]

    def sender_for(unit_id: int) -> Citizen | None:
        pool = everyone if unit_id == family.current.pk else senders.get(unit_id)
        return rng.choice(pool) if pool else None

    for _ in range(post_letters):
        received = start + timedelta(days=rng.randint(0, (today - start).days))
        unit = family.unit_on(received, rng)
        field = rng.choice(fields)
        matter = rng.choice(fake.MATTERS.get(field.code, fake.MATTERS["khac"]))
        sender = sender_for(unit.pk)
        anonymous = sender is None or rng.random() < 0.15
        letter = services.letter_receive(
            user=official,
            unit=unit,
            received_on=received,
            channel=rng.choice(["post", "transferred", "online"]),
            sender=None if anonymous else sender,
            is_anonymous=anonymous,
            summary=matter,
            content=CaseKind.COMPLAINT
            if matter.startswith("Khiếu nại")
            else CaseKind.DENUNCIATION
            if matter.startswith("Tố cáo")
            else CaseKind.RECOMMENDATION,
            field=field,
            is_processable=True,
            within_competence=not anonymous,
        )
        if anonymous and letter.content != CaseKind.DENUNCIATION:
            services.letter_dispose(
                user=official,
                letter=letter,
                disposition="archived",
                archive_reason="anonymous",
                on=_day(rng, received, today),
            )
        elif anonymous or rng.random() < 0.2:
            services.letter_dispose(
                user=official,
                letter=letter,
                disposition="guided",
                on=_day(rng, received, today),
                competent_body="Tòa án nhân dân khu vực" if received >= family.merged_on else "Tòa án nhân dân quận",
            )
        else:
            services.letter_dispose(user=official, letter=letter, disposition="case", on=received)
            cases.append(Case.objects.get(letters=letter))
    for days_ago in (430, 400):
        # Archived more than a year ago: past their retention period, listed for the committee's disposal.
        received = today - timedelta(days=days_ago)
        unit = family.unit_on(received, rng)
        letter = services.letter_receive(
            user=official,
            unit=unit,
            received_on=received,
            channel="post",
            sender=sender_for(unit.pk) or rng.choice(everyone),
            summary=rng.choice(fake.MATTERS["khac"]),
            content=CaseKind.RECOMMENDATION,
            field=rng.choice(fields),
            is_processable=True,
            within_competence=True,
        )
        services.letter_dispose(
            user=official, letter=letter, disposition="archived", archive_reason="duplicate", on=received + timedelta(3)
        )
    for matter in rng.sample(fake.MATTERS["khac"], min(3, len(fake.MATTERS["khac"]))):
        # Waiting to be classified: their senders stay masked until the letter clerk classifies them.
        services.letter_receive(
            user=official,
            unit=family.current,
            received_on=today - timedelta(days=rng.randint(0, 6)),
            channel="post",
            sender=rng.choice(everyone),
            summary=matter,
        )
    for received in (_due_soon_receipt(today), today - timedelta(days=rng.randint(18, 30))):
        # Classified, not yet handled: one due within days, one past its processing deadline (letters due soon,
        # overdue).
        field = rng.choice(fields)
        services.letter_receive(
            user=official,
            unit=family.current,
            received_on=received,
            channel=rng.choice(["post", "online"]),
            sender=rng.choice(everyone),
            summary=rng.choice(fake.MATTERS.get(field.code, fake.MATTERS["khac"])),
            content=CaseKind.RECOMMENDATION,
            field=field,
            is_processable=True,
            within_competence=True,
        )
    for case in cases:
        _age(rng, case, official, head, today)
    if designator is not None:
        still_open = [c for c in cases if Case.objects.get(pk=c.pk).status in OPEN_STATUSES]
        for case, kind, reason in zip(
            rng.sample(still_open, min(3, len(still_open))),
            ["hot_spot", "focus", "over_level"],
            [
                f"Nhiều hộ dân tụ tập tại trụ sở {division(family.current)} {short_name(family.current)}",
                "Ban Chỉ đạo theo dõi trực tiếp",
                "Công dân gửi đơn lên Thành phố",
            ],
            strict=False,
        ):
            services.case_designate(user=designator, case=case, kind=kind, reason=reason)


def _age(rng: random.Random, case: Case, official: User, head: User | None, today: date) -> None:
    """Move a case along as its age makes plausible: recent ones wait, some are left waiting until overdue."""
    age = (today - case.received_on).days
    if age < 5 or rng.random() < 0.12:
        return
    on = _day(rng, case.received_on, today)
    services.case_transition(user=official, case=case, move="classify", on=on)
    if rng.random() < 0.1:
        services.case_transition(user=official, case=case, move="archive", on=on, note="Đơn trùng nội dung")
        return
    on = _day(rng, on, today)
    services.case_transition(user=official, case=case, move="accept", on=on)
    if age > 40 and rng.random() < 0.85:
        on = _day(rng, on + timedelta(days=20), today)
        services.case_transition(user=official, case=case, move="verify", on=on)
        on = _day(rng, on + timedelta(days=rng.randint(0, 25)), today)
        # The competent person (`head`, or the chairman) signs the conclusion on paper; the ward official records
        # it with its number, date, signer and scan (DESIGN §8 "Recording vs deciding").
        number = f"{case.pk}/QĐ-UBND"
        services.case_record_decision(
            user=official,
            case=case,
            decision_number=number,
            decided_on=on,
            signer=head.full_name if head is not None and head.full_name else "Chủ tịch UBND phường",
            outcome=rng.choice(["right", "wrong", "partly_right", "wrong", "withdrawn"]),
            document=SimpleUploadedFile(f"quyet-dinh-{case.pk}.pdf", b"%PDF-1.4 " + number.encode()),
        )
        if age > 90:
            services.case_transition(user=official, case=case, move="close", on=_day(rng, on + timedelta(10), today))
