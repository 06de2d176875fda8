"""Two officials acting on one case, one letter or one dossier at the same moment: no lost updates (issue #14).

Each test runs two services in two threads, each with its own database connection and transaction, as two
requests arriving together would. A barrier at each service's first save makes both read before either writes.
Without the row lock (core.locking.lock) both then act on the state they read: one change is silently undone,
or a move is made twice. With the lock the second one waits at the lock instead of at the barrier, the barrier
gives up after a moment, and the second one sees what the first committed: it either applies its own, compatible
change on top, or is refused with a ValidationError.

The tests commit (transaction=True), so the database is emptied after each; the reference data is seeded again
before each and after the last, for the tests that run after these in the same database.
"""

import contextlib
import threading
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from accounts.roles import Role
from cases import services
from cases.choices import CaseStatus, DeadlineStep, EventKind
from cases.models import Case, CaseEvent, Letter
from organizations import services as dossier_services
from organizations.models import DossierEvent, WeakDossier, WeakReason
from tests.factories import CitizenFactory, field, user_with_role
from tests.seed import ensure_seed_data

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reseeded_after_module")]

# How long the first thread waits at the barrier for the second. With the lock the second is held at the lock
# and never arrives: the first goes on after this, alone.
BARRIER_SECONDS = 1.0


@pytest.fixture(autouse=True)
def seeded(transactional_db):
    ensure_seed_data()


@pytest.fixture
def both_read_before_either_writes(monkeypatch):
    """Hold each thread at its first save until the other has reached its own (or the wait times out)."""
    barrier = threading.Barrier(2, timeout=BARRIER_SECONDS)
    waited = threading.local()
    for module in (services, dossier_services):
        real = module.save_with_history

        def save_when_both_have_read(instance, *, user, _real=real, **kwargs) -> None:
            if not getattr(waited, "done", False):
                waited.done = True
                # Broken when the other thread is held at the lock (or was refused): this one goes on alone.
                with contextlib.suppress(threading.BrokenBarrierError):
                    barrier.wait()
            _real(instance, user=user, **kwargs)

        monkeypatch.setattr(module, "save_with_history", save_when_both_have_read)


def at_once(*calls: Callable[[], object]) -> list[object]:
    """Run each call in a thread of its own (its own connection); what each returned, or the error it raised."""
    outcomes: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 — the test looks at what each thread met
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return outcomes


def refused(outcomes: list[object]) -> list[ValidationError]:
    unexpected = [o for o in outcomes if isinstance(o, Exception) and not isinstance(o, ValidationError)]
    assert not unexpected, unexpected
    return [o for o in outcomes if isinstance(o, ValidationError)]


def received_letter(unit, user) -> Letter:
    received_on = timezone.localdate() - timedelta(days=3)
    return services.letter_receive(
        user=user,
        unit=unit,
        received_on=received_on,
        channel="post",
        sender=CitizenFactory(unit=unit),
        summary="Khiếu nại việc cấp giấy chứng nhận quyền sử dụng đất",
        content="complaint",
        field=field(),
        is_processable=True,
        within_competence=True,
    )


def classified_case(unit, user) -> Case:
    letter = received_letter(unit, user)
    services.letter_dispose(user=user, letter=letter, disposition="case", on=letter.received_on)
    case = Case.objects.get(letters=letter)
    return services.case_transition(user=user, case=case, move="classify")


def as_loaded(case: Case) -> Case:
    """The case as a view loads it, before calling a service."""
    return Case.objects.get(pk=case.pk)


def transitions(case: Case) -> list[tuple[str, str]]:
    events = CaseEvent.objects.filter(case=case, kind=EventKind.TRANSITION).order_by("pk")
    return [(event.from_status, event.to_status) for event in events]


def test_an_acceptance_and_a_designation_at_once_both_survive(
    ward, ward_official, district_reviewer, both_read_before_either_writes
):
    case = classified_case(ward, ward_official)
    outcomes = at_once(
        lambda: services.case_transition(user=ward_official, case=as_loaded(case), move="accept"),
        lambda: services.case_designate(
            user=district_reviewer, case=as_loaded(case), kind="hot_spot", reason="Tụ tập đông người"
        ),
    )
    assert not refused(outcomes)
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.accepted_on == timezone.localdate()
    assert case.is_hot_spot
    resolve = case.deadlines.get(step=DeadlineStep.RESOLVE)
    assert case.due_on == resolve.due_on
    assert transitions(case)[-1] == (CaseStatus.CLASSIFIED, CaseStatus.ACCEPTED)
    assert CaseEvent.objects.filter(case=case, kind=EventKind.FLAGGED).count() == 1
    # The history's last row is the case as it stands, with both changes.
    last = case.history.order_by("-history_id").first()
    assert (last.status, last.is_hot_spot) == (CaseStatus.ACCEPTED, True)


def test_two_conflicting_moves_at_once_the_second_is_refused(ward, ward_official, both_read_before_either_writes):
    colleague = user_with_role(ward, Role.WARD_OFFICIAL)
    case = classified_case(ward, ward_official)
    outcomes = at_once(
        lambda: services.case_transition(user=ward_official, case=as_loaded(case), move="accept"),
        lambda: services.case_transition(
            user=colleague, case=as_loaded(case), move="not_accept", note="Không thuộc thẩm quyền"
        ),
    )
    assert len(refused(outcomes)) == 1
    (winner,) = [o for o in outcomes if isinstance(o, Case)]
    case.refresh_from_db()
    assert case.status == winner.status
    assert transitions(case)[1:] == [(CaseStatus.CLASSIFIED, case.status)]
    statuses = list(case.history.order_by("history_id").values_list("status", flat=True))
    assert statuses[-2:] == [CaseStatus.CLASSIFIED, case.status]
    if case.status == CaseStatus.ACCEPTED:
        assert case.deadlines.filter(step=DeadlineStep.RESOLVE).exists()
    else:
        assert not case.deadlines.filter(step=DeadlineStep.RESOLVE).exists()


def test_a_letter_handled_by_two_officials_at_once_opens_one_case(ward, ward_official, both_read_before_either_writes):
    colleague = user_with_role(ward, Role.WARD_OFFICIAL)
    letter = received_letter(ward, ward_official)
    outcomes = at_once(
        *(
            lambda user=user: services.letter_dispose(
                user=user, letter=Letter.objects.get(pk=letter.pk), disposition="case", on=letter.received_on
            )
            for user in (ward_official, colleague)
        )
    )
    assert len(refused(outcomes)) == 1
    letter.refresh_from_db()
    assert Case.objects.filter(unit=ward).count() == 1
    assert letter.case == Case.objects.get(unit=ward)


# One dossier ------------------------------------------------------------------------------------------------------


@pytest.fixture
def drafted_dossier(grassroots, ward_official) -> WeakDossier:
    dossier = dossier_services.dossier_open(
        user=ward_official,
        unit=grassroots,
        year=2025,
        origin="rating",
        identified_on=date(2026, 1, 5),
        reasons=WeakReason.objects.all()[:1],
        goals="Khôi phục đoàn kết nội bộ",
        responsible_leader="Đồng chí Phó Bí thư Đảng ủy phường",
    )
    dossier_services.task_save(
        user=ward_official,
        dossier=dossier,
        solution="Kiện toàn chi ủy",
        task_type="cadre_work",
        owner="Bí thư chi bộ",
        deadline=timezone.localdate() + timedelta(days=60),
    )
    return dossier


def dossier_transitions(dossier: WeakDossier) -> list[tuple[str, str]]:
    events = DossierEvent.objects.filter(dossier=dossier, kind=DossierEvent.Kind.TRANSITION).order_by("pk")
    return [(event.from_status, event.to_status) for event in events]


def test_two_reviewers_approving_and_returning_a_dossier_at_once_the_second_is_refused(
    drafted_dossier, ward_official, district_reviewer, both_read_before_either_writes
):
    colleague = user_with_role(drafted_dossier.unit.parent, Role.DISTRICT_REVIEWER)
    dossier_services.dossier_submit(user=ward_official, dossier=drafted_dossier)
    outcomes = at_once(
        lambda: dossier_services.dossier_approve(
            user=district_reviewer, dossier=WeakDossier.objects.get(pk=drafted_dossier.pk)
        ),
        lambda: dossier_services.dossier_return(
            user=colleague, dossier=WeakDossier.objects.get(pk=drafted_dossier.pk), comment="Bổ sung mục tiêu"
        ),
    )
    assert len(refused(outcomes)) == 1
    drafted_dossier.refresh_from_db()
    assert drafted_dossier.status in ("consolidating", "returned")
    assert dossier_transitions(drafted_dossier) == [("draft", "submitted"), ("submitted", drafted_dossier.status)]
    assert (drafted_dossier.approved_by is not None) == (drafted_dossier.status == "consolidating")


def test_an_amendment_saved_while_the_dossier_is_submitted_does_not_undo_the_submission(
    drafted_dossier, ward_official, both_read_before_either_writes
):
    colleague = user_with_role(drafted_dossier.unit.parent, Role.WARD_OFFICIAL)
    outcomes = at_once(
        lambda: dossier_services.dossier_submit(
            user=ward_official, dossier=WeakDossier.objects.get(pk=drafted_dossier.pk)
        ),
        lambda: dossier_services.dossier_update(
            user=colleague, dossier=WeakDossier.objects.get(pk=drafted_dossier.pk), goals="Mục tiêu đã sửa"
        ),
    )
    drafted_dossier.refresh_from_db()
    assert drafted_dossier.status == "submitted"
    assert dossier_transitions(drafted_dossier) == [("draft", "submitted")]
    # The amendment either went first (and was submitted with the dossier) or was refused: never half of each.
    errors = refused(outcomes)
    assert (drafted_dossier.goals == "Mục tiêu đã sửa") == (not errors)
