"""The demo data set that `make run` loads: real Hanoi units, invented people and records. Idempotent."""

from dataclasses import dataclass

from django.db import transaction

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from devtools.demo_cases import ensure_cases_demo
from devtools.demo_organizations import ensure_demo_organizations
from devtools.demo_reception import ensure_reception_demo
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
    for seed, key in enumerate(DEMO_WARD_CODES, start=1):
        official = User.objects.get(username=f"canbo.{key}")
        letter_visits = ensure_reception_demo(units[key], official, seed=seed)
        ensure_cases_demo(
            ward=units[key],
            official=official,
            reviewer=reviewer if key == "badinh" else None,
            visits=letter_visits,
            seed=seed,
        )
    ensure_weak_demo()
    ensure_retention_hold(reviewer)
    return DEMO_ACCOUNTS


def ensure_retention_hold(reviewer: User) -> None:
    """One record past its period kept on hold by the reviewer, so the holds list has something in it."""
    if RetentionHold.objects.exists():
        return
    letter = past_period(RecordKind.ARCHIVED_LETTER, user=reviewer).first()
    if letter is not None:
        hold_place(user=reviewer, kind=RecordKind.ARCHIVED_LETTER, record_id=letter.pk, reason="Đang thanh tra")
