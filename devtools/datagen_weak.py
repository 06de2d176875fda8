"""The weak-organization half of the generated data (a phase of devtools.datagen.Generator): grassroots party
organizations under each generated commune, their annual quality ratings under the regulation of each year, and
for every organization rated "did not complete its tasks" a dossier with its consolidation plan, progress,
inspections and timeline, moved as far along as its age makes plausible.

Generated organizations carry an official code "G<commune code>-<n>", which is how a reset finds them; their
ratings, dossiers and everything below are created or entered by the 'datagen' user."""

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import models

from organizations.choices import DossierOrigin, DossierStatus, InspectionKind, RatingLevel, TaskStatus, TaskType
from organizations.models import (
    DossierEvent,
    Inspection,
    InspectionConclusion,
    PlanTask,
    QualityRating,
    RatingRegulation,
    TaskProgress,
    Unit,
    UnitKind,
    WeakDossier,
    WeakReason,
)

CODE_PREFIX = "G"
RATED_YEARS = 5  # the last five finished years
# Levels of a year's ratings (Hanoi reports: most organizations "well completed", a few per cent not).
LEVEL_WEIGHTS = {
    RatingLevel.EXCELLENT: 16,
    RatingLevel.GOOD: 58,
    RatingLevel.COMPLETED: 23,
    RatingLevel.NOT_COMPLETED: 3,
}
SCORE_BANDS = {  # under a scoring regulation (366-QĐ/TW): the score range of each level
    RatingLevel.EXCELLENT: (90, 99),
    RatingLevel.GOOD: (70, 89),
    RatingLevel.COMPLETED: (50, 69),
    RatingLevel.NOT_COMPLETED: (30, 49),
}
URBAN_AREAS = ("Chi bộ Tổ dân phố số {n}", "Chi bộ Khu dân cư số {n}")
RURAL_AREAS = ("Chi bộ Thôn {n}", "Chi bộ Xóm {n}")
INSTITUTIONS = (
    "Đảng bộ Trường Trung học cơ sở {place}",
    "Chi bộ Trường Tiểu học {place}",
    "Chi bộ Trường Mầm non {place}",
    "Chi bộ Trạm Y tế {place}",
    "Đảng bộ Công an {place}",
    "Chi bộ Quân sự {place}",
    "Chi bộ Cơ quan Ủy ban nhân dân {place}",
    "Chi bộ Cơ quan Đảng – Đoàn thể {place}",
)
ENTERPRISES = (
    "Chi bộ Hợp tác xã Dịch vụ {place}",
    "Chi bộ Công ty Cổ phần Môi trường {place}",
    "Chi bộ Ban Quản lý chợ {place}",
)
SOLUTIONS = {
    TaskType.CADRE_WORK: "Kiện toàn cấp ủy, bổ sung đồng chí bí thư chi bộ có năng lực",
    TaskType.UNITY: "Tổ chức kiểm điểm, giải quyết dứt điểm mâu thuẫn nội bộ",
    TaskType.DISCIPLINE: "Kiểm tra việc chấp hành Điều lệ Đảng, xử lý đảng viên vi phạm",
    TaskType.PARTY_LIFE: "Nâng cao chất lượng sinh hoạt chi bộ định kỳ và chuyên đề",
    TaskType.LIVELIHOOD: "Hoàn thành các chỉ tiêu kinh tế – xã hội còn dưới 50% kế hoạch",
    TaskType.SECURITY: "Giải quyết các vụ việc khiếu nại, kiến nghị tồn đọng trên địa bàn",
}
LEADERS = ("Đồng chí Phó Bí thư Thường trực", "Đồng chí Trưởng Ban Xây dựng Đảng", "Đồng chí Chủ nhiệm Ủy ban Kiểm tra")


class WeakPhase:
    """Writes organizations, ratings and dossiers through the generator's loader (rows are copied parents
    first: the tables are declared in that order in devtools.datagen._tables)."""

    def __init__(self, generator) -> None:
        self.g = generator
        self.rng = generator.rng
        self.t = generator.t
        self.loader = generator.loader
        self.user_id = generator.user_id
        self.today = generator.today
        last_year = self.today.year - 1
        self.years = list(range(last_year - RATED_YEARS + 1, last_year + 1))
        regulations = list(RatingRegulation.objects.all())
        self.regulation = {
            year: next(r for r in regulations if r.year_from <= year and (r.year_to is None or year <= r.year_to))
            for year in self.years
        }
        self.reasons = list(WeakReason.objects.values_list("pk", flat=True))
        units = Unit.objects.filter(pk__in=[f.current.id for f in generator.families]).values_list("pk", "code")
        self.codes = dict(units)

    def run(self) -> None:
        self.g.log("  party organizations, ratings and dossiers …")
        for family in self.g.families:
            for unit_id, name in self.organizations(family.current):
                previous = None
                for year in self.years:
                    previous = self.rate(unit_id, name, year, previous)
            self.loader.flush_if_full()

    def stamp(self, day: date, minute: int | None = None) -> str:
        return self.g.sink.timestamp(day, minute if minute is not None else self.rng.randint(7 * 60 + 30, 17 * 60))

    def organizations(self, place) -> list[tuple[int, str]]:
        rng = self.rng
        short = place.title.split(" ", 1)[1] if " " in place.title else place.title
        areas = RURAL_AREAS if place.rural else URBAN_AREAS
        names = [areas[0].format(n=n) for n in range(1, rng.randint(8, 30) + 1)]
        names += [areas[1].format(n=n) for n in range(1, rng.randint(0, 8) + 1)]
        names += [t.format(place=short) for t in INSTITUTIONS if rng.random() < 0.85]
        names += [t.format(place=short) for t in ENTERPRISES if rng.random() < 0.3]
        rows = []
        for n, name in enumerate(names, start=1):
            unit_id = self.loader.new_id(self.t["units"])
            code = f"{CODE_PREFIX}{self.codes[place.id]}-{n}"
            self.t["units"].rows.append(
                (
                    unit_id,
                    place.id,
                    name,
                    UnitKind.GRASSROOTS,
                    "",
                    code,
                    None,
                    None,
                    Unit.search_text_for(name=name, code=code),
                )
            )
            rows.append((unit_id, name))
        return rows

    def rate(self, unit_id: int, name: str, year: int, previous: str | None) -> str:
        rng = self.rng
        weights = dict(LEVEL_WEIGHTS)
        if previous == RatingLevel.NOT_COMPLETED:  # one weak year makes another likelier
            weights[RatingLevel.NOT_COMPLETED] = 15
        level = rng.choices(list(weights), weights=list(weights.values()))[0]
        regulation = self.regulation[year]
        score = Decimal(rng.randint(*SCORE_BANDS[level])) if regulation.uses_score else None
        rating_id = self.loader.new_id(self.t["ratings"])
        rated_on = date(year, 12, rng.randint(10, 28))
        reasons = "Chưa hoàn thành nhiệm vụ được giao" if level == RatingLevel.NOT_COMPLETED else ""
        self.t["ratings"].rows.append(
            (rating_id, unit_id, year, regulation.pk, level, score, reasons, self.user_id, self.stamp(rated_on))
        )
        if level == RatingLevel.NOT_COMPLETED:
            self.dossier(unit_id, year, rating_id)
        return level

    def dossier(self, unit_id: int, year: int, rating_id: int) -> None:
        """A dossier for the year after the rating, moved along: the older, the further (to off the list, or
        carried over); the latest ones spread over draft, submitted, returned and consolidating."""
        rng, today = self.rng, self.today
        identified = date(year + 1, 1, rng.randint(5, 31))
        if identified >= today:
            identified = today - timedelta(days=1)
        recent = year == self.years[-1]
        if recent:
            status = rng.choices(
                [DossierStatus.DRAFT, DossierStatus.SUBMITTED, DossierStatus.RETURNED, DossierStatus.CONSOLIDATING],
                weights=[12, 18, 10, 60],
            )[0]
        else:
            status = rng.choices([DossierStatus.OFF_LIST, DossierStatus.CARRIED_OVER], weights=[85, 15])[0]
        submitted = identified + timedelta(days=rng.randint(10, 30))
        approved = submitted + timedelta(days=rng.randint(7, 25))
        ended = date(year + 1, 12, rng.randint(15, 28)) if status in (DossierStatus.OFF_LIST,) else None
        if ended and ended >= today:
            ended, status = None, DossierStatus.CONSOLIDATING
        dossier_id = self.loader.new_id(self.t["dossiers"])
        is_submitted = status != DossierStatus.DRAFT
        is_approved = status in (DossierStatus.CONSOLIDATING, DossierStatus.OFF_LIST, DossierStatus.CARRIED_OVER)
        self.t["dossiers"].rows.append(
            (
                dossier_id,
                unit_id,
                year,
                DossierOrigin.RATING,
                rating_id,
                identified,
                "",
                rng.choice(LEADERS) + " Đảng ủy",
                "Khắc phục dứt điểm các nguyên nhân yếu kém; năm sau hoàn thành tốt nhiệm vụ.",
                status,
                self.stamp(submitted) if is_submitted and submitted < today else None,
                self.stamp(approved) if is_approved else None,
                self.user_id if is_approved else None,
                "Đã khắc phục các nguyên nhân yếu kém." if ended else "",
                ended,
                year + 2 if status == DossierStatus.CARRIED_OVER else None,
                None,
                False,
                "",
                self.user_id,
                self.stamp(identified),
            )
        )
        for reason in rng.sample(self.reasons, rng.randint(1, min(3, len(self.reasons)))):
            self.t["dossier_reasons"].rows.append((self.loader.new_id(self.t["dossier_reasons"]), dossier_id, reason))
        self.event(dossier_id, identified, DossierEvent.Kind.CREATED, "", DossierStatus.DRAFT)
        if is_submitted and submitted < today:
            self.event(
                dossier_id, submitted, DossierEvent.Kind.TRANSITION, DossierStatus.DRAFT, DossierStatus.SUBMITTED
            )
            if status == DossierStatus.RETURNED:
                self.event(
                    dossier_id,
                    min(approved, today - timedelta(days=1)),
                    DossierEvent.Kind.TRANSITION,
                    DossierStatus.SUBMITTED,
                    DossierStatus.RETURNED,
                    "Đề nghị bổ sung giải pháp về công tác cán bộ và mốc thời gian cụ thể.",
                )
        if is_approved:
            self.event(
                dossier_id, approved, DossierEvent.Kind.TRANSITION, DossierStatus.SUBMITTED, DossierStatus.CONSOLIDATING
            )
            if ended:
                self.event(dossier_id, ended, DossierEvent.Kind.TRANSITION, DossierStatus.CONSOLIDATING, status)
        self.tasks(dossier_id, identified, approved if is_approved else None, ended)
        if is_approved and approved + timedelta(days=60) < today:
            self.inspection(dossier_id, approved + timedelta(days=rng.randint(45, 120)), ended)

    def event(self, dossier_id, day, kind, from_status, to_status, note="") -> None:
        day = min(day, self.today - timedelta(days=1))
        self.t["dossier_events"].rows.append(
            (
                self.loader.new_id(self.t["dossier_events"]),
                dossier_id,
                kind,
                from_status,
                to_status,
                note,
                self.user_id,
                self.stamp(day),
            )
        )

    def tasks(self, dossier_id: int, identified: date, approved: date | None, ended: date | None) -> None:
        rng, today = self.rng, self.today
        for task_type in rng.sample(list(SOLUTIONS), rng.randint(3, 5)):
            deadline = identified + timedelta(days=rng.randint(90, 300))
            if ended or (approved and deadline < today and rng.random() < 0.8):
                status, done = TaskStatus.DONE, min(deadline - timedelta(days=rng.randint(0, 30)), today)
            elif approved:
                status, done = rng.choice([TaskStatus.IN_PROGRESS, TaskStatus.NOT_STARTED]), None
            else:
                status, done = TaskStatus.NOT_STARTED, None
            task_id = self.loader.new_id(self.t["tasks"])
            self.t["tasks"].rows.append(
                (task_id, dossier_id, SOLUTIONS[task_type], task_type, "Bí thư chi bộ", deadline, status, done, False)
            )
            if approved and status != TaskStatus.NOT_STARTED:
                on = min(approved + timedelta(days=rng.randint(20, 80)), today - timedelta(days=1))
                self.t["progress"].rows.append(
                    (
                        self.loader.new_id(self.t["progress"]),
                        task_id,
                        on,
                        "Đã triển khai, kết quả bước đầu đạt yêu cầu.",
                        "",
                        self.user_id,
                        self.stamp(on),
                    )
                )

    def inspection(self, dossier_id: int, on: date, ended: date | None) -> None:
        rng, today = self.rng, self.today
        on = min(on, today - timedelta(days=1))
        inspection_id = self.loader.new_id(self.t["inspections"])
        kind = rng.choice([InspectionKind.INSPECTION, InspectionKind.URGING])
        self.t["inspections"].rows.append(
            (
                inspection_id,
                dossier_id,
                kind,
                on,
                "Đoàn kiểm tra của Đảng ủy",
                "Chi bộ đã triển khai đề án, một số nhiệm vụ còn chậm.",
                self.user_id,
            )
        )
        for _ in range(rng.randint(1, 2)):
            deadline = on + timedelta(days=rng.randint(30, 90))
            done = deadline - timedelta(days=rng.randint(0, 20)) if ended or rng.random() < 0.6 else None
            if done and done >= today:
                done = None
            self.t["conclusions"].rows.append(
                (
                    self.loader.new_id(self.t["conclusions"]),
                    inspection_id,
                    "Khẩn trương hoàn thành các nhiệm vụ còn chậm của đề án.",
                    deadline,
                    done,
                )
            )


def tables(table) -> dict:
    """The phase's tables for devtools.datagen._tables, parents first."""
    return {
        "units": table(Unit, "id parent_id name kind division_type code valid_from valid_to search_text"),
        "ratings": table(QualityRating, "id unit_id year regulation_id level score reasons rated_by_id created_at"),
        "dossiers": table(
            WeakDossier,
            "id unit_id year origin rating_id identified_on other_reasons responsible_leader goals status "
            "submitted_at approved_at approved_by_id reassessment ended_on carried_into_year carried_from_id "
            "is_void void_reason created_by_id created_at",
        ),
        "dossier_reasons": table(WeakDossier.reasons.through, "id weakdossier_id weakreason_id"),
        "dossier_events": table(DossierEvent, "id dossier_id kind from_status to_status note user_id at"),
        "tasks": table(PlanTask, "id dossier_id solution task_type owner deadline status done_on is_void"),
        "progress": table(TaskProgress, "id task_id on note evidence user_id created_at"),
        "inspections": table(Inspection, "id dossier_id kind on team findings created_by_id"),
        "conclusions": table(InspectionConclusion, "id inspection_id text deadline done_on"),
    }


def delete_generated(cursor, uid: int) -> int:
    """Delete the generated organizations and everything generated under them (row by row: a few tens of
    thousands of rows, and the unit table must never be truncated). Returns the number of rows deleted."""
    dossiers = f"SELECT id FROM {WeakDossier._meta.db_table} WHERE created_by_id = %s"
    inspections = f"SELECT id FROM {Inspection._meta.db_table} WHERE dossier_id IN ({dossiers})"
    tasks = f"SELECT id FROM {PlanTask._meta.db_table} WHERE dossier_id IN ({dossiers})"
    statements: list[tuple[type[models.Model], str, list[Any]]] = [
        (InspectionConclusion, f"inspection_id IN ({inspections})", [uid]),
        (Inspection, f"dossier_id IN ({dossiers})", [uid]),
        (TaskProgress, f"task_id IN ({tasks})", [uid]),
        (PlanTask, f"dossier_id IN ({dossiers})", [uid]),
        (DossierEvent, f"dossier_id IN ({dossiers})", [uid]),
        (WeakDossier.reasons.through, f"weakdossier_id IN ({dossiers})", [uid]),
        (WeakDossier, "created_by_id = %s", [uid]),
        (QualityRating, "rated_by_id = %s", [uid]),
        (Unit, "kind = %s AND code LIKE %s", [UnitKind.GRASSROOTS, f"{CODE_PREFIX}%%-%%"]),
    ]
    rows = 0
    for model, condition, params in statements:
        cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE {condition}", params)
        rows += cursor.rowcount
    return rows
