"""Demo letters and cases for the demo wards: the letters received at reception visits become cases through
the real services (so deadlines, timelines and history are genuine), older ones moved along the workflow,
plus letters by post — some anonymous and archived — and a few designated hot spots and focus cases."""

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from cases import services
from cases.choices import OPEN_STATUSES, CaseKind
from cases.models import Case, CaseField
from devtools import fake
from organizations.models import Unit


def _day(rng: random.Random, start, limit):
    return min(start + timedelta(days=rng.randint(1, 12)), limit)


def ensure_cases_demo(*, ward: Unit, official: User, reviewer: User | None, visits: list, seed: int) -> None:
    """Open the visits' cases and age them plausibly. Runs once per ward (skipped when it has letters)."""
    if not visits:
        return
    rng = random.Random(seed)
    today = timezone.localdate()
    cases = [services.case_open_from_visit(user=official, visit=visit) for visit in visits]
    fields = list(CaseField.objects.all())
    for _ in range(25):
        received = today - timedelta(days=rng.randint(0, 700))
        field = rng.choice(fields)
        matter = rng.choice(fake.MATTERS.get(field.code, fake.MATTERS["khac"]))
        anonymous = rng.random() < 0.15
        letter = services.letter_receive(
            user=official,
            unit=ward,
            received_on=received,
            channel=rng.choice(["post", "transferred", "online"]),
            sender=None if anonymous else visits[rng.randrange(len(visits))].citizen,
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
        elif rng.random() < 0.2:
            services.letter_dispose(
                user=official,
                letter=letter,
                disposition="guided",
                on=_day(rng, received, today),
                competent_body="Tòa án nhân dân khu vực",
            )
        else:
            services.letter_dispose(user=official, letter=letter, disposition="case", on=received)
            cases.append(Case.objects.get(letters=letter))
    for days_ago in (430, 400):
        # Archived more than a year ago: past their retention period, listed for the committee's disposal.
        received = today - timedelta(days=days_ago)
        letter = services.letter_receive(
            user=official,
            unit=ward,
            received_on=received,
            channel="post",
            sender=visits[rng.randrange(len(visits))].citizen,
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
            unit=ward,
            received_on=today - timedelta(days=rng.randint(0, 6)),
            channel="post",
            sender=visits[rng.randrange(len(visits))].citizen,
            summary=matter,
        )
    for case in cases:
        age = (today - case.received_on).days
        if age < 5 or rng.random() < 0.12:
            continue  # recent, or left waiting (some of these become overdue)
        on = _day(rng, case.received_on, today)
        services.case_transition(user=official, case=case, move="classify", on=on)
        if rng.random() < 0.1:
            services.case_transition(user=official, case=case, move="archive", on=on, note="Đơn trùng nội dung")
            continue
        on = _day(rng, on, today)
        services.case_transition(user=official, case=case, move="accept", on=on)
        if age > 40 and rng.random() < 0.85 and reviewer is not None:
            on = _day(rng, on + timedelta(days=20), today)
            services.case_transition(user=official, case=case, move="verify", on=on)
            services.case_transition(
                user=reviewer,
                case=case,
                move="conclude",
                on=_day(rng, on, today),
                outcome=rng.choice(["right", "wrong", "partly_right", "wrong", "withdrawn"]),
            )
            if age > 90:
                services.case_transition(user=official, case=case, move="close", on=today)
    if reviewer is not None:
        still_open = [c for c in cases if Case.objects.get(pk=c.pk).status in OPEN_STATUSES]
        for case, kind, reason in zip(
            rng.sample(still_open, min(3, len(still_open))),
            ["hot_spot", "focus", "over_level"],
            [
                "Nhiều hộ dân tụ tập tại trụ sở phường",
                "Ban Chỉ đạo theo dõi trực tiếp",
                "Công dân gửi đơn lên Thành phố",
            ],
            strict=False,
        ):
            services.case_designate(user=reviewer, case=case, kind=kind, reason=reason)
