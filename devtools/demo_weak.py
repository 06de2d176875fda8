"""Demo quality ratings of the demo wards' organizations for 2023–2025, and the weak organizations they reveal,
moved along through the real services (so dossiers, plans, timelines and history are genuine):

- Phường Ba Đình, Chi bộ Tổ dân phố số 3, "did not complete" in 2023: consolidated in 2024, re-assessed and
  taken off the list;
- Phường Ba Đình, Chi bộ Khu dân cư số 2, "did not complete" in 2024: plan returned once with comments, then
  approved; one task late; inspected with two conclusions, one implemented and one overdue;
- Phường Ba Đình, Chi bộ Trạm Y tế phường Ba Đình, "did not complete" in 2025: plan submitted, waiting for the
  reviewer (the review queue has something in it);
- Phường Ngọc Hà, Chi bộ Tổ dân phố số 2, "did not complete" in 2025: draft dossier waiting to be completed.

Dates are fixed in 2023–2025, all in the past. Idempotent: ratings already there and dossiers already moved
are left alone.
"""

from datetime import date
from decimal import Decimal

from accounts.models import User
from accounts.roles import Role
from devtools.demo_organizations import ensure_demo_organizations
from organizations import services
from organizations.choices import DossierStatus, InspectionKind, RatingLevel, TaskStatus, TaskType
from organizations.models import QualityRating, RatingRegulation, Unit, WeakDossier, WeakReason

YEARS = (2023, 2024, 2025)
# (username of the ward official, organization, year) rated "did not complete its tasks".
NOT_COMPLETED = {
    ("canbo.badinh", "Chi bộ Tổ dân phố số 3", 2023),
    ("canbo.badinh", "Chi bộ Khu dân cư số 2", 2024),
    ("canbo.badinh", "Chi bộ Trạm Y tế phường Ba Đình", 2025),
    ("canbo.ngocha", "Chi bộ Tổ dân phố số 2", 2025),
}
REVIEWER = "thamdinh.badinh"
RESPONSIBLE_LEADER = "Đồng chí Lê Quang Huy, Trưởng Ban Xây dựng Đảng Đảng ủy phường"


def _score(index: int, year: int) -> Decimal:
    """A plausible score (72–96), the same on every run."""
    return Decimal(72 + (index * 7 + year * 3) % 25)


def _official_and_ward(username: str) -> tuple[User, Unit]:
    # A fresh user object: scope is cached on the object, and the organizations may have just been created.
    official = User.objects.get(username=username)
    return official, official.role_assignments.get(role=Role.WARD_OFFICIAL).unit


def ensure_weak_demo() -> None:
    """Rate every demo organization for 2023–2025 and move the resulting dossiers along."""
    regulations = {year: RatingRegulation.objects.get(code="124-QĐ/TW") for year in (2023, 2024)}
    regulations[2025] = RatingRegulation.objects.get(code="366-QĐ/TW")
    for username in ("canbo.badinh", "canbo.ngocha"):
        official, ward = _official_and_ward(username)
        organizations = ensure_demo_organizations(ward)
        rated = set(QualityRating.objects.filter(unit__in=organizations).values_list("unit_id", "year"))
        for index, unit in enumerate(organizations):
            for year in YEARS:
                if (unit.pk, year) not in rated:
                    _rate(official, unit, year, regulations[year], index)
    reviewer = User.objects.get(username=REVIEWER)
    official, ward = _official_and_ward("canbo.badinh")
    _taken_off(_fresh_dossier(ward, "Chi bộ Tổ dân phố số 3", 2023), official, reviewer)
    _consolidating(_fresh_dossier(ward, "Chi bộ Khu dân cư số 2", 2024), official, reviewer)
    _waiting_review(_fresh_dossier(ward, "Chi bộ Trạm Y tế phường Ba Đình", 2025), official)


def _rate(official: User, unit: Unit, year: int, regulation: RatingRegulation, index: int) -> None:
    level: str
    if (official.username, unit.name, year) in NOT_COMPLETED:
        score, level = Decimal(46), RatingLevel.NOT_COMPLETED
        reasons = "Nội bộ chi ủy thiếu đoàn kết; thực hiện dưới 50% chỉ tiêu nhiệm vụ trong năm."
    else:
        score = _score(index, year)
        level, reasons = regulation.level_for_score(score) or _level_without_score(score), ""
    services.rating_record(
        user=official,
        unit=unit,
        year=year,
        regulation=regulation,
        level=level,
        score=score if regulation.uses_score else None,
        reasons=reasons,
    )


def _level_without_score(score: Decimal) -> str:
    # Regulation 124-QĐ/TW has no points; the demo uses the same spread of levels.
    if score >= 90:
        return RatingLevel.EXCELLENT
    return RatingLevel.GOOD if score >= 78 else RatingLevel.COMPLETED


def _fresh_dossier(ward: Unit, name: str, year: int) -> WeakDossier | None:
    """The dossier the rating opened, if nothing has been done with it yet."""
    dossier = WeakDossier.objects.active().filter(unit__parent=ward, unit__name=name, year=year).first()
    if dossier is None or dossier.status != DossierStatus.DRAFT or dossier.tasks.exists():
        return None
    return dossier


def _plan(dossier: WeakDossier, official: User, reasons: list[str], goals: str, tasks: list[tuple]) -> list:
    services.dossier_update(
        user=official,
        dossier=dossier,
        reasons=WeakReason.objects.filter(code__in=reasons),
        responsible_leader=RESPONSIBLE_LEADER,
        goals=goals,
    )
    return [
        services.task_save(
            user=official, dossier=dossier, solution=solution, task_type=task_type, owner=owner, deadline=deadline
        )
        for solution, task_type, owner, deadline in tasks
    ]


def _done(official: User, dossier: WeakDossier, task, on: date, note: str) -> None:
    services.task_add_progress(user=official, task=task, on=on, note=note)
    services.task_save(user=official, dossier=dossier, task=task, status=TaskStatus.DONE, done_on=on)


def _taken_off(dossier: WeakDossier | None, official: User, reviewer: User) -> None:
    """Identified 31/12/2023, consolidated through 2024, taken off the list on 20/12/2024."""
    if dossier is None:
        return
    tasks = _plan(
        dossier,
        official,
        ["mat-doan-ket", "cong-tac-can-bo"],
        "Khắc phục tình trạng mất đoàn kết trong chi ủy; kiện toàn chi ủy; đến hết năm 2024 chi bộ được xếp loại "
        "hoàn thành nhiệm vụ trở lên.",
        [
            ("Kiện toàn chức danh Bí thư chi bộ", TaskType.CADRE_WORK, "Đảng ủy phường", date(2024, 3, 31)),
            ("Tổ chức sinh hoạt chuyên đề về đoàn kết nội bộ", TaskType.UNITY, "Chi ủy", date(2024, 5, 31)),
            ("Nâng cao chất lượng sinh hoạt chi bộ định kỳ", TaskType.PARTY_LIFE, "Chi ủy", date(2024, 9, 30)),
            ("Hoàn thành các chỉ tiêu dân sinh của tổ dân phố", TaskType.LIVELIHOOD, "Tổ trưởng", date(2024, 11, 30)),
        ],
    )
    dossier = services.dossier_submit(user=official, dossier=dossier)
    dossier = services.dossier_approve(user=reviewer, dossier=dossier, note="Đồng ý đề án củng cố.")
    done_on = [date(2024, 3, 15), date(2024, 5, 20), date(2024, 9, 25), date(2024, 11, 28)]
    for task, on in zip(tasks, done_on, strict=True):
        _done(official, dossier, task, on, "Đã thực hiện xong.")
    assessment = "Chi ủy đoàn kết, hoàn thành các chỉ tiêu năm 2024; đủ điều kiện thoát yếu kém."
    dossier = services.dossier_reassess(user=reviewer, dossier=dossier, assessment=assessment)
    services.dossier_take_off_list(user=reviewer, dossier=dossier, on=date(2024, 12, 20))


def _consolidating(dossier: WeakDossier | None, official: User, reviewer: User) -> None:
    """Identified 31/12/2024; returned once, approved; one task late; inspected, one conclusion implemented."""
    if dossier is None:
        return
    tasks = _plan(
        dossier,
        official,
        ["chi-tieu-duoi-50", "dan-sinh-buc-xuc"],
        "Hoàn thành trên 80% chỉ tiêu năm 2025; giải quyết dứt điểm kiến nghị về thoát nước của khu dân cư.",
        [
            ("Bổ sung chi ủy viên phụ trách dân vận", TaskType.CADRE_WORK, "Đảng ủy phường", date(2025, 3, 31)),
            ("Phối hợp xử lý ngập úng ngõ 12", TaskType.LIVELIHOOD, "Trưởng khu dân cư", date(2025, 6, 30)),
            ("Đối thoại với nhân dân về kiến nghị kéo dài", TaskType.SECURITY, "Bí thư chi bộ", date(2025, 9, 30)),
            ("Đánh giá kết quả thực hiện chỉ tiêu cả năm", TaskType.OTHER, "Chi ủy", date(2026, 12, 31)),
        ],
    )
    dossier = services.dossier_submit(user=official, dossier=dossier)
    dossier = services.dossier_return(
        user=reviewer, dossier=dossier, comment="Đề nghị lượng hóa mục tiêu và ghi rõ người chịu trách nhiệm."
    )
    services.dossier_update(
        user=official,
        dossier=dossier,
        goals="Hoàn thành trên 80% chỉ tiêu năm 2025 (tối thiểu 12/15 chỉ tiêu); giải quyết dứt điểm kiến nghị về "
        "thoát nước ngõ 12 trước 30/6/2025.",
    )
    dossier = services.dossier_submit(user=official, dossier=dossier)
    dossier = services.dossier_approve(user=reviewer, dossier=dossier)
    _done(official, dossier, tasks[0], date(2025, 3, 20), "Đã bổ sung 01 đồng chí vào chi ủy.")
    _done(official, dossier, tasks[1], date(2025, 7, 10), "Đã cải tạo rãnh thoát nước, chậm 10 ngày so với kế hoạch.")
    services.task_save(user=official, dossier=dossier, task=tasks[3], status=TaskStatus.IN_PROGRESS)
    inspection = services.inspection_record(
        user=reviewer,
        dossier=dossier,
        kind=InspectionKind.INSPECTION,
        on=date(2025, 10, 15),
        team="Ban Xây dựng Đảng Đảng ủy phường: đồng chí Lê Quang Huy (Trưởng ban), 02 chuyên viên",
        findings="Đã kiện toàn chi ủy; việc đối thoại với nhân dân chưa được tổ chức, quá hạn đề án.",
        conclusions=[
            {"text": "Hoàn thiện biên bản sinh hoạt chi bộ quý III/2025.", "deadline": date(2025, 10, 31)},
            {"text": "Tổ chức đối thoại với nhân dân trước 30/11/2025.", "deadline": date(2025, 11, 30)},
        ],
    )
    first_conclusion = inspection.conclusions.first()
    assert first_conclusion is not None  # the inspection above recorded two
    services.conclusion_mark_done(user=official, conclusion=first_conclusion, on=date(2025, 10, 28))


def _waiting_review(dossier: WeakDossier | None, official: User) -> None:
    """Identified 31/12/2025; the plan is written and submitted, the reviewer has not decided yet."""
    if dossier is None:
        return
    _plan(
        dossier,
        official,
        ["chi-tieu-duoi-50", "cong-tac-can-bo"],
        "Kiện toàn chi ủy; đến hết năm 2026 chi bộ hoàn thành trên 80% chỉ tiêu và được xếp loại hoàn thành nhiệm vụ.",
        [
            ("Kiện toàn chức danh Phó Bí thư chi bộ", TaskType.CADRE_WORK, "Đảng ủy phường", date(2026, 3, 31)),
            ("Duy trì sinh hoạt chi bộ định kỳ hằng tháng", TaskType.PARTY_LIFE, "Chi ủy", date(2026, 12, 31)),
            ("Tổ chức khám sàng lọc cho người cao tuổi", TaskType.LIVELIHOOD, "Trạm trưởng", date(2026, 10, 31)),
        ],
    )
    services.dossier_submit(user=official, dossier=dossier)
