"""The benchmark behind `make bench`: the pages people use every day and the half-year report, timed through
Django's full stack (middleware, session, auth, templates) against the generated data, each beside the raw SQL
time of the very statements the page ran and the time of a trivial authenticated view, so a slow figure says
whether the database or the Python around it is to blame.

Method: each page is requested `warmup` times, then `repeat` times timed (median, p95). One more request runs
under CaptureQueriesContext for the query count and the SQL; those statements are then replayed on a raw cursor
`repeat` times (median), which is the floor the page could reach with the same queries. The report is compiled
the way the worker does it (reports.figures.compile_figures), its SQL replayed the same way, then rendered to
DOCX and XLSX without saving anything."""

import json
import logging
import os
import platform
import statistics
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Count, Max, Min
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import include, path
from django.utils import timezone

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from cases.models import Case
from citizens.models import ReceptionSession
from core.periods import period_bounds
from core.text import fold
from organizations.models import Unit, UnitKind, WeakDossier


class BenchError(Exception):
    """The benchmark cannot run on this database (no generated data, not PostgreSQL)."""


@login_required
def _trivial(request):
    return HttpResponse("ok")


# The project's URLs plus the trivial authenticated view the pages are compared with; only mounted while the
# benchmark runs.
class BenchUrls:
    urlpatterns = [path("__bench__/trivial/", _trivial, name="bench_trivial"), path("", include(settings.ROOT_URLCONF))]


@dataclass
class Measure:
    name: str
    kind: str  # "page" or "report"
    median_ms: float
    p95_ms: float
    queries: int | None = None
    sql_ms: float | None = None
    target_ms: float | None = None
    target_queries: int | None = None
    detail: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (self.target_ms is None or self.median_ms <= self.target_ms) and (
            self.target_queries is None or self.queries is None or self.queries <= self.target_queries
        )


def _ms(seconds: list[float]) -> tuple[float, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return round(statistics.median(ordered) * 1000, 2), round(p95 * 1000, 2)


def _timed(call: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


def replay(statements: list[str], repeat: int) -> float:
    """Median milliseconds to run the statements one after another on a raw cursor, fetching every row."""

    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                if cursor.description is not None:
                    cursor.fetchall()

    run()
    return _ms(_timed(run, repeat))[0]


def _statements(captured: CaptureQueriesContext) -> list[str]:
    """The statements a page ran, as plain SQL: savepoints left out, and a server-side cursor (a form's choices
    read with .iterator()) replayed as the SELECT it declared."""
    statements = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.upper().startswith(("SAVEPOINT", "RELEASE")):
            continue
        if sql.startswith("DECLARE "):
            sql = sql.split(" FOR ", 1)[1]
        statements.append(sql)
    return statements


@dataclass
class Actors:
    steering: User
    ward_official: User
    reviewer: User
    ward: Unit


def _actor(username: str, unit: Unit, role: str) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={"full_name": f"Benchmark {role}"})
    RoleAssignment.objects.get_or_create(user=user, unit=unit, role=role, defaults={"may_see_identity": False})
    return user


def actors() -> Actors:
    """The three people the benchmark acts as: a steering member of the City, and an official and a reviewer of
    the busiest of today's wards (created once, as 'bench.*' users with no password)."""
    city = Unit.objects.filter(parent__isnull=True).first()
    busiest = (
        Case.objects.filter(unit__valid_to__isnull=True, unit__kind=UnitKind.COMMUNE)
        .values("unit")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    if city is None or busiest is None:
        raise BenchError("No generated data: run `make data SCALE=city` (or district) first.")
    ward = Unit.objects.get(pk=busiest["unit"])
    return Actors(
        steering=_actor("bench.steering", city, Role.STEERING_MEMBER),
        ward_official=_actor("bench.ward", ward, Role.WARD_OFFICIAL),
        reviewer=_actor("bench.reviewer", ward, Role.DISTRICT_REVIEWER),
        ward=ward,
    )


@dataclass
class Page:
    name: str
    user: User
    url: str
    target_ms: float | None
    target_queries: int | None = 12
    overrides: dict = field(default_factory=dict)  # settings for this page only


def _rare_name(user) -> str:
    """A complainant's full name that few cases match (the fewest among twenty from the middle of the data):
    what someone looking for one person types."""
    from cases.filtersets import search_cases

    bounds = Case.objects.aggregate(low=Min("pk"), high=Max("pk"))
    middle = (bounds["low"] + bounds["high"]) // 2
    names = {
        fold(name)
        for name in Case.objects.filter(complainant__isnull=False, kind="complaint", pk__gte=middle)
        .order_by("pk")
        .values_list("complainant__full_name", flat=True)[:20]
    }
    active = Case.objects.active()
    return min(sorted(names), key=lambda name: search_cases(active, name, user)[:1000].count())


def pages(who: Actors) -> list[Page]:
    """The pages of the issue's list, with real records picked from the data: a rare name (one citizen's full
    name), a common word, a case with a long history and a session with visits."""
    rare_name = _rare_name(who.steering)
    busy_case = (
        Case.objects.filter(unit=who.ward, status="closed").annotate(n=Count("events")).order_by("-n", "-pk").first()
    )
    session = ReceptionSession.objects.filter(unit=who.ward).annotate(n=Count("visits")).order_by("-n", "-pk").first()
    assert busy_case is not None and session is not None, "the generated ward has closed cases and sessions"
    steering, ward = who.steering, who.ward_official
    deep = max(1, min(200, Case.objects.count() // 50))  # page 200 (the 10,000th case on) when there are that many
    return [
        Page("trivial authenticated view", steering, "/__bench__/trivial/", None, None),
        Page("dashboard (city), figures kept 5 min", steering, "/", 100),
        Page("dashboard (city), figures computed", steering, "/", None, overrides={"OVERVIEW_CACHE_SECONDS": 0}),
        Page("case list, filtered, page 1 (city)", steering, "/cases/?status=processing&kind=complaint", 25),
        Page(f"case list, page {deep} (city)", steering, f"/cases/?page={deep}", 25),
        Page("case list, page 1 (ward)", ward, "/cases/", 25),
        Page(f"case search, rare name «{rare_name}»", steering, f"/cases/?q={rare_name.replace(' ', '+')}", 60),
        Page("case search, common word «nguyen»", steering, "/cases/?q=nguyen", 300),
        Page("case detail", ward, f"/cases/{busy_case.pk}/", 20, None),
        Page("case detail: possible duplicates (loaded after)", ward, f"/cases/{busy_case.pk}/duplicates/", 20, None),
        Page("due-soon list (city)", steering, "/cases/due-soon/", 25),
        Page("letter list (city)", steering, "/cases/letters/", 25),
        Page("session list (city)", steering, "/reception/sessions/", 25),
        Page("session detail", ward, f"/reception/sessions/{session.pk}/", 20, None),
        Page("citizen list (ward)", ward, "/reception/citizens/", 25),
        Page("dossier review queue (ward committee)", who.reviewer, "/org/dossiers/review/", 25),
        Page("dossier list (city)", steering, "/org/dossiers/", 25),
    ]


def measure_page(page: Page, *, warmup: int, repeat: int) -> Measure:
    with override_settings(**page.overrides):
        return _measure_page(page, warmup=warmup, repeat=repeat)


def _measure_page(page: Page, *, warmup: int, repeat: int) -> Measure:
    client = Client()
    client.force_login(page.user)

    def get():
        response = client.get(page.url)
        if response.status_code != 200:
            raise BenchError(f"{page.url} answered {response.status_code}")
        return response

    for _ in range(warmup):
        get()
    median, p95 = _ms(_timed(get, repeat))
    with CaptureQueriesContext(connection) as captured:
        get()
    statements = _statements(captured)
    return Measure(
        name=page.name,
        kind="page",
        median_ms=median,
        p95_ms=p95,
        queries=len(statements),
        sql_ms=replay(statements, repeat),
        target_ms=page.target_ms,
        target_queries=page.target_queries,
        detail={"url": page.url, "statements": statements},
    )


def report_period() -> tuple[str, int, date, date]:
    """The latest statistical half year that has ended (the one a committee would be reviewing)."""
    today = timezone.localdate()
    year = today.year if today > period_bounds("half_year", today.year)[1] else today.year - 1
    start, end = period_bounds("half_year", year)
    return "half_year", year, start, end


def measure_report(unit: Unit, user: User, *, repeat: int, target_ms: float, target_total_ms: float) -> list[Measure]:
    from reports.exports import report_docx, report_xlsx
    from reports.figures import compile_figures
    from reports.models import Report, ReportStatus

    kind, year, start, end = report_period()

    def compile_once():
        return compile_figures(unit=unit, user=user, start=start, end=end, progress=lambda *args: None)

    compile_once()  # warm up
    median, p95 = _ms(_timed(compile_once, repeat))
    with CaptureQueriesContext(connection) as captured:
        figures = compile_once()
    statements = _statements(captured)
    sql_ms = replay(statements, repeat)
    report = Report(
        unit=unit,
        period_kind=kind,
        year=year,
        start=start,
        end=end,
        version=1,
        figures=figures,
        status=ReportStatus.DONE,
        data_cutoff=timezone.now(),
        requested_by=user,
    )
    docx_median, docx_p95 = _ms(_timed(lambda: report_docx(report), max(3, repeat // 3)))
    xlsx_median, xlsx_p95 = _ms(_timed(lambda: report_xlsx(report), max(3, repeat // 3)))
    label = f"report {start:%d/%m/%Y}–{end:%d/%m/%Y}, {unit.name}"
    return [
        Measure(
            f"{label}: aggregation",
            "report",
            median,
            p95,
            len(statements),
            sql_ms,
            target_ms,
            None,
            {"ratio_target": 3.0},
        ),
        Measure(f"{label}: DOCX", "report", docx_median, docx_p95),
        Measure(f"{label}: XLSX", "report", xlsx_median, xlsx_p95),
        Measure(
            f"{label}: whole compilation",
            "report",
            round(median + docx_median + xlsx_median, 2),
            round(p95 + docx_p95 + xlsx_p95, 2),
            target_ms=target_total_ms,
        ),
    ]


def data_size() -> dict[str, int]:
    """Row counts of the big tables (PostgreSQL's estimates: exact counts would take longer than the pages)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)",
            [
                [
                    "cases_case",
                    "cases_letter",
                    "citizens_receptionsession",
                    "citizens_visit",
                    "citizens_citizen",
                    "organizations_unit",
                    "organizations_qualityrating",
                    "organizations_weakdossier",
                ]
            ],
        )
        return dict(cursor.fetchall())


def explain(statements: list[str], log: Callable[[str], None]) -> None:
    """Each statement's own time, and the plan of the slowest (for `bench --explain`)."""
    timed = [(replay([sql], 3), sql) for sql in statements]
    for ms, sql in timed:
        log(f"    {ms:8.2f} ms  {sql.strip() if ms >= 5 else sql.strip()[:160]}")
    ms, sql = max(timed)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        log("\n".join(f"      {row[0]}" for row in cursor.fetchall()))


def run(
    *, warmup: int = 3, repeat: int = 20, only: str = "", show_plans: bool = False, log: Callable[[str], None] = print
) -> dict:
    if connection.vendor != "postgresql":
        raise BenchError("The benchmark runs on PostgreSQL: set DATABASE_URL to the generated database.")
    who = actors()
    results: list[Measure] = []
    with (
        override_settings(ROOT_URLCONF=BenchUrls, DEBUG=False, ALLOWED_HOSTS=["testserver"]),
        _quiet("axes"),
    ):
        for page in pages(who):
            if only and only not in page.name and page.url != "/__bench__/trivial/":
                continue
            measure = measure_page(page, warmup=warmup, repeat=repeat)
            log(f"  {measure.name}: {measure.median_ms} ms, {measure.queries} queries")
            if show_plans:
                explain(measure.detail.pop("statements"), log)
            measure.detail.pop("statements", None)
            results.append(measure)
        if only and "report" not in only:
            return {"results": [asdict(m) | {"ok": m.ok} for m in results]}
    city = who.steering.role_assignments.get().unit
    results += measure_report(city, who.steering, repeat=max(3, repeat // 4), target_ms=1000, target_total_ms=10_000)
    log("  city report done")
    results += measure_report(who.ward, who.ward_official, repeat=repeat // 2, target_ms=1000, target_total_ms=1000)
    trivial = results[0].median_ms
    for measure in results:
        if measure.sql_ms:
            measure.detail["ratio_to_sql"] = round(measure.median_ms / measure.sql_ms, 2)
        if measure.kind == "page" and measure is not results[0]:
            measure.detail["ratio_to_trivial"] = round(measure.median_ms / trivial, 2)
    # PostgreSQL's connection knows its version (run() refuses any other database); django-stubs types the base one.
    postgresql_version = connection.pg_version  # type: ignore[attr-defined]
    return {
        "measured_at": timezone.now().isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "cpus": _cpus(), "postgresql": postgresql_version},
        "data": data_size(),
        "latest_case": str(Case.objects.aggregate(last=Max("received_on"))["last"]),
        "open_dossiers": WeakDossier.objects.filter(ended_on__isnull=True).count(),
        "warmup": warmup,
        "repeat": repeat,
        "results": [asdict(m) | {"ok": m.ok} for m in results],
    }


@contextmanager
def _quiet(name: str):
    """Silence a chatty logger (django-axes logs every benchmark login) while measuring."""
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _cpus() -> int:
    return os.cpu_count() or 0


def table(outcome: dict) -> str:
    head = f"{'':<62}{'median':>9}{'p95':>9}{'queries':>9}{'raw SQL':>9}{'×SQL':>7}{'×triv':>7}{'target':>9}  "
    lines = [head, "-" * len(head)]
    for m in outcome["results"]:

        def cell(value, width, fmt="{:.1f}"):
            return f"{(fmt.format(value) if value is not None else '–'):>{width}}"

        target = m["target_ms"]
        lines.append(
            f"{m['name'][:61]:<62}"
            + cell(m["median_ms"], 9)
            + cell(m["p95_ms"], 9)
            + cell(m["queries"], 9, "{}")
            + cell(m["sql_ms"], 9)
            + cell(m["detail"].get("ratio_to_sql"), 7)
            + cell(m["detail"].get("ratio_to_trivial"), 7)
            + cell(target, 9, "≤{:.0f}")
            + ("  ok" if m["ok"] else "  OVER")
        )
    lines.append("times in ms; ×SQL = page time / raw SQL time of its statements; ×triv = page / trivial view")
    return "\n".join(lines)


def write(outcome: dict, filename: str) -> None:
    os.makedirs(os.path.dirname(filename) or ".", exist_ok=True)
    with open(filename, "w", encoding="utf-8") as out:
        json.dump(outcome, out, ensure_ascii=False, indent=2)
        out.write("\n")
