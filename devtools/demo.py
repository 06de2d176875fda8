"""The demo data set that `make run` loads: real Hanoi units, invented people and records. Idempotent."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from cases import services as case_services
from cases.models import CaseField, Transfer
from cases.transfers import transfer_acknowledge, transfer_letter, transfer_register, transfer_return, transfer_urge
from citizens.models import Citizen
from core.text import fold
from devtools import fake
from devtools.demo_cases import ensure_cases_demo
from devtools.demo_organizations import ensure_demo_organizations
from devtools.demo_reception import BUSY, FORMER, QUIET, QUIET_FORMER, ensure_reception_demo, reporting_start
from devtools.demo_units import ACTIVE_WARD_CODES, WardFamily, division, short_name, ward_families
from devtools.demo_weak import ensure_weak_demo
from organizations.models import Unit
from retention.models import RecordKind, RetentionHold
from retention.selectors import past_period
from retention.services import hold_place

DEMO_PASSWORD = "SoTheoDoi@2026"

# Two neighbouring wards of central Hanoi, each formed in 2025 from several old wards.
DEMO_WARD_CODES = {"badinh": "00004", "ngocha": "00008"}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    job_title: str
    role: str
    unit_key: str  # "city" or a key of DEMO_WARD_CODES
    may_see_identity: bool = False
    is_staff: bool = False


DEMO_ACCOUNTS = [
    DemoAccount("canbo.badinh", "Nguyễn Thị Hương", "Cán bộ tiếp công dân", Role.WARD_OFFICIAL, "badinh"),
    DemoAccount("canbo.ngocha", "Trần Văn Minh", "Cán bộ tiếp công dân", Role.WARD_OFFICIAL, "ngocha"),
    # The official who classifies letters: a letter not yet classified may be a denunciation, so classifying it as
    # anything else needs the right to see who sent it.
    DemoAccount(
        "xulydon.badinh", "Vũ Thị Lan", "Cán bộ xử lý đơn", Role.WARD_OFFICIAL, "badinh", may_see_identity=True
    ),
    DemoAccount(
        "thamdinh.badinh",
        "Lê Quang Huy",
        "Trưởng Ban Xây dựng Đảng Đảng ủy phường",
        Role.DISTRICT_REVIEWER,
        "badinh",
        may_see_identity=True,
    ),
    DemoAccount("bcd.thanhpho", "Phạm Thu Trang", "Ủy viên Ban Chỉ đạo", Role.STEERING_MEMBER, "city"),
    DemoAccount("quantri", "Đỗ Mạnh Cường", "Quản trị hệ thống", Role.ADMINISTRATOR, "city", is_staff=True),
]


def demo_units() -> dict[str, Unit]:
    units = {key: Unit.objects.get(code=code, valid_to__isnull=True) for key, code in DEMO_WARD_CODES.items()}
    units["city"] = Unit.objects.get(parent__isnull=True)
    return units


@transaction.atomic
def load_demo() -> list[DemoAccount]:
    """Create the demo organizations and one account per role. Requires the units (load_units) first."""
    units = demo_units()
    for key in DEMO_WARD_CODES:
        ensure_demo_organizations(units[key])
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "full_name": account.full_name,
                "job_title": account.job_title,
                "is_staff": account.is_staff,
                "is_superuser": account.is_staff,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        RoleAssignment.objects.get_or_create(
            user=user,
            unit=units[account.unit_key],
            role=account.role,
            defaults={"may_see_identity": account.may_see_identity},
        )
    reviewer = User.objects.get(username="thamdinh.badinh")
    start = reporting_start(timezone.localdate())
    families = ward_families(
        [*DEMO_WARD_CODES.values(), *ACTIVE_WARD_CODES],
        former_per_ward=[3] * len(DEMO_WARD_CODES) + [2] * len(ACTIVE_WARD_CODES),
    )
    for seed, family in enumerate(families, start=1):
        demo_ward = seed <= len(DEMO_WARD_CODES)
        if demo_ward:
            key = next(k for k, code in DEMO_WARD_CODES.items() if code == family.current.code)
            official = User.objects.get(username=f"canbo.{key}")
        else:
            official = ward_staff(family, "canbo", "Cán bộ tiếp công dân", Role.WARD_OFFICIAL)
        head = reviewer if family.current.code == DEMO_WARD_CODES["badinh"] else None
        if head is None:
            head = ward_staff(family, "lanhdao", "Phó Bí thư Thường trực Đảng ủy", Role.DISTRICT_REVIEWER)
        letter_visits = ensure_reception_demo(
            family,
            official,
            seed=seed,
            start=start,
            busy=BUSY if demo_ward else QUIET,
            former_busy=FORMER if demo_ward else QUIET_FORMER,
        )
        ensure_cases_demo(
            family=family,
            official=official,
            head=head,
            designator=reviewer if head == reviewer else None,
            visits=letter_visits,
            seed=seed,
            start=start,
            post_letters=12 if demo_ward else 4,
        )
    ensure_weak_demo()
    ensure_retention_hold(reviewer)
    ensure_transfers(units)
    return DEMO_ACCOUNTS


# (from, to, what the receiver did): one transfer in each state, so that both wards' inboxes and letter pages show
# the flow between units.
DEMO_TRANSFERS = [
    ("ngocha", "badinh", "sent"),
    ("ngocha", "badinh", "received"),
    ("ngocha", "badinh", "registered"),
    ("badinh", "ngocha", "returned"),
    ("badinh", "ngocha", "urged"),
]


def ensure_transfers(units: dict[str, Unit]) -> None:
    """Letters transferred between the two demo wards, one in each state (sent, received, registered, returned,
    urged), through the real services. Runs once (skipped when there are transfers)."""
    if Transfer.objects.exists():
        return
    officials = {key: User.objects.get(username=f"canbo.{key}") for key in ("badinh", "ngocha")}
    field = CaseField.objects.order_by("position").first()
    today = timezone.localdate()
    for number, (origin, target, state) in enumerate(DEMO_TRANSFERS, start=1):
        sender, receiver = officials[origin], officials[target]
        letter = case_services.letter_receive(
            user=sender,
            unit=units[origin],
            received_on=today - timedelta(days=3 + number),
            channel="post",
            is_anonymous=False,
            sender=Citizen.objects.filter(unit=units[origin], is_anonymised=False).order_by("pk")[number],
            summary=f"Phản ánh việc lấn chiếm vỉa hè tại tuyến phố thuộc địa bàn {units[target].name}",
            content="feedback",
            field=field,
            is_processable=True,
            within_competence=False,
        )
        transfer = transfer_letter(
            user=sender, letter=letter, reason="Nội dung thuộc thẩm quyền của đơn vị nhận", to_unit=units[target]
        )
        if state in ("received", "registered"):
            transfer_acknowledge(user=receiver, transfer=transfer)
        if state == "registered":
            transfer_register(user=receiver, transfer=transfer)
        if state == "returned":
            transfer_return(user=receiver, transfer=transfer, reason="Địa chỉ nêu trong đơn không thuộc địa bàn phường")
        if state == "urged":
            # Sent long enough ago to be urged: the transfer is dated back, as if made 12 days ago.
            Transfer.objects.filter(pk=transfer.pk).update(sent_on=today - timedelta(days=12))
            transfer.refresh_from_db()
            transfer_urge(user=sender, transfer=transfer, note="Đề nghị đơn vị nhận sớm xác nhận và xử lý")


def ward_staff(family: WardFamily, prefix: str, job_title: str, role: str) -> User:
    """A member of a ward's staff who records its register (not a demo account: no password to sign in with).
    Their scope covers the former wards too, so the records from before the merger are theirs to handle."""
    ward = family.current
    rng = random.Random(ward.code)
    user, created = User.objects.get_or_create(
        username=f"{prefix}.{fold(short_name(ward)).replace(' ', '')}",
        defaults={"full_name": fake.full_name(rng), "job_title": f"{job_title} {division(ward)} {short_name(ward)}"},
    )
    if created:
        user.set_unusable_password()
        user.save()
    RoleAssignment.objects.get_or_create(user=user, unit=ward, role=role)
    return user


def ensure_retention_hold(reviewer: User) -> None:
    """One record past its period kept on hold by the reviewer, so the holds list has something in it."""
    if RetentionHold.objects.exists():
        return
    letter = past_period(RecordKind.ARCHIVED_LETTER, user=reviewer).first()
    if letter is not None:
        hold_place(user=reviewer, kind=RecordKind.ARCHIVED_LETTER, record_id=letter.pk, reason="Đang thanh tra")
