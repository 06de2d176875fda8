"""One test walks every URL of the project as a user of another unit.

Views with a record in the URL must answer 404 (or 403) to the outsider and 200 to a user of the unit; pages
without one must not show the other unit's records. New URLs are covered without editing this file: a URL
keyword it cannot fill makes the test fail, with the name of the URL, until OBJECT_BUILDERS knows the model.
"""

import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import RoleAssignment
from accounts.roles import Role
from cases.attachments import attachment_add
from cases.exports import export_create, export_run
from cases.models import CaseDesignation, SavedFilter, Transfer
from citizens.models import Dialogue
from imports.service import batch_create, batch_preview
from organizations.models import Inspection, InspectionConclusion, PlanTask, TaskProgress, Unit, WeakDossier
from overview.models import Notification
from reports.models import Report
from retention.models import Disposal, RetentionHold
from tests.factories import (
    CaseFactory,
    CitizenFactory,
    LetterFactory,
    ReceptionSessionFactory,
    UnitFactory,
    VisitFactory,
    user_with_role,
)

# URLs that carry no unit data: authentication, language, health, and the admin site (which has its own
# permission system and is reserved for administrators).
EXEMPT_NAMES = {
    "set_language",
    "accounts:login",
    "accounts:logout",
    "accounts:password_change",
    "accounts:password_change_done",
    "accounts:two_factor_setup",  # the second factor: the user's own, no unit data
    "accounts:two_factor_verify",
    "accounts:two_factor_remove",
    "core:health",
    "cases:saved_filter_create",  # POST-only, no record in the URL; its own tests cover ownership
    "imports:template",  # the empty template of a kind of records: headings and an example, no unit's data
    # POST-only, no record in the URL: the records posted are checked by the service (tests/retention).
    "retention:dispose",
    "retention:hold_place",
}
EXEMPT_NAMESPACES = {"admin"}


def _owner(unit):
    """Exports and saved filters are personal: owned by the unit's first user (the walk's insider)."""
    assignment = RoleAssignment.objects.filter(unit=unit).order_by("pk").first()
    return assignment.user if assignment else user_with_role(unit)


def _export_job(unit):
    job = export_create(user=_owner(unit), format="csv", query="")
    export_run(job_id=job.pk)  # finished, so its owner can download it
    return job


def _import_batch(unit):
    upload = SimpleUploadedFile("so.csv", "Họ và tên;Số CCCD\nNguyễn Văn An;001090000123\n".encode())
    batch = batch_create(user=_owner(unit), kind="citizens", unit=unit, upload=upload)
    batch_preview(batch_id=batch.pk)
    return batch


def _dossier(unit):
    organization = Unit.objects.create(name="Chi bộ Kiểm Thử", kind="grassroots", parent=unit)
    return WeakDossier.objects.create(
        unit=organization, year=2025, origin="rating", identified_on=date(2026, 1, 5), created_by=user_with_role(unit)
    )


def _conclusion(unit):
    inspection = Inspection.objects.create(
        dossier=_dossier(unit), kind="inspection", on=date(2026, 2, 1), team="Đoàn", created_by=user_with_role(unit)
    )
    return InspectionConclusion.objects.create(inspection=inspection, text="Kiện toàn chi ủy")


def _session(unit):
    return ReceptionSessionFactory(unit=unit, created_by=user_with_role(unit))


def _dialogue(unit):
    session = ReceptionSessionFactory(unit=unit, kind="dialogue", created_by=user_with_role(unit))
    return Dialogue.objects.create(session=session)


def _transfer(unit):
    """A letter transferred to the unit by a sibling (the unit is the receiver: its inbox and actions). The sender's
    own page (urging) is POST-only: the walk's outsider, in neither unit, is refused it."""
    sender = UnitFactory(parent=unit.parent)
    return Transfer.objects.create(
        from_unit=sender,
        to_unit=unit,
        letter=LetterFactory(unit=sender),
        reason="Không thuộc thẩm quyền",
        sent_on=date(2026, 3, 3),
        sent_by=user_with_role(sender),
    )


# How to build, inside a unit, the record a URL keyword points at. Keys are model labels.
OBJECT_BUILDERS = {
    "organizations.unit": lambda unit: unit,
    "citizens.receptionsession": _session,
    "citizens.visit": lambda unit: VisitFactory(session=_session(unit)),
    "citizens.citizen": lambda unit: CitizenFactory(unit=unit),
    "citizens.dialogue": _dialogue,
    "cases.case": lambda unit: CaseFactory(unit=unit),
    "cases.letter": lambda unit: LetterFactory(unit=unit),
    "cases.attachment": lambda unit: attachment_add(
        user=user_with_role(unit),
        case=CaseFactory(unit=unit),
        upload=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test document"),
    ),
    "cases.exportjob": lambda unit: _export_job(unit),
    "cases.savedfilter": lambda unit: SavedFilter.objects.create(
        user=_owner(unit), name="Bộ lọc", query="kind=complaint"
    ),
    "overview.notification": lambda unit: Notification.objects.create(
        user=user_with_role(unit), key="url-scope", message="Thông báo"
    ),
    "organizations.weakdossier": _dossier,
    "organizations.plantask": lambda unit: PlanTask.objects.create(
        dossier=_dossier(unit), solution="Kiện toàn", task_type="cadre_work", owner="Bí thư", deadline=date(2026, 6, 1)
    ),
    "organizations.inspectionconclusion": _conclusion,
    "organizations.taskprogress": lambda unit: TaskProgress.objects.create(
        task=PlanTask.objects.create(
            dossier=_dossier(unit),
            solution="Kiện toàn",
            task_type="cadre_work",
            owner="Bí thư",
            deadline=date(2026, 6, 1),
        ),
        on=date(2026, 2, 1),
        note="Đã họp",
        evidence=SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 x"),
        user=user_with_role(unit),
    ),
    "organizations.dossiersubmission": lambda unit: _dossier(unit).submissions.create(
        covering_note="Kính trình",
        signed_plan=SimpleUploadedFile("de-an.pdf", b"%PDF-1.4 x"),
        user=user_with_role(unit),
    ),
    "reports.report": lambda unit: Report.objects.create(
        unit=unit,
        period_kind="half_year",
        year=2026,
        start=date(2025, 12, 15),
        end=date(2026, 6, 14),
        status="done",
        figures={"sections": []},
        requested_by=user_with_role(unit),
    ),
    "imports.importbatch": _import_batch,
    "retention.retentionhold": lambda unit: RetentionHold.objects.create(
        kind="archived_letter",
        record_id=LetterFactory(unit=unit).pk,
        label="Đơn 1/2025",
        unit=unit,
        reason="Đang thanh tra",
        placed_by=user_with_role(unit),
    ),
    "retention.disposal": lambda unit: Disposal.objects.create(
        unit=unit, decision="1/QĐ", decided_on=date(2026, 1, 5), approved_by=user_with_role(unit)
    ),
    "cases.transfer": _transfer,
    "cases.casedesignation": lambda unit: CaseDesignation.objects.create(
        case=CaseFactory(unit=unit), kind="hot_spot", reason="Tụ tập đông người", designated_by=user_with_role(unit)
    ),
}
# Pages not every role opens: who the walk's insider is instead of the ward official (the outsider stays the
# other ward's official, who must be refused or shown nothing of the ward).
INSIDERS = {
    "audit:audit_log": lambda ward: user_with_role(ward.parent, Role.ADMINISTRATOR),
    "audit:personal_data_log": lambda ward: user_with_role(ward, Role.DISTRICT_REVIEWER, may_see_identity=True),
    **{
        f"retention:{name}": lambda ward: user_with_role(ward, Role.DISTRICT_REVIEWER)
        for name in ("retention", "disposal_list", "disposal_detail", "hold_lift")
    },
}
# URL keywords that are not records.
KEYWORD_VALUES = {"move": "accept", "action": "freeze", "format": "xlsx"}
# URL keywords named after their role rather than their model.
KEYWORD_MODELS = {"session_pk": "citizens.receptionsession", "dossier_pk": "organizations.weakdossier"}


def readable_text(response) -> str:
    """The text a user would read in the response: HTML, CSV, or the cells of an XLSX file."""
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        workbook = openpyxl.load_workbook(
            io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
        )
        return " ".join(str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row)
    return response.content.decode("utf-8-sig")


def iter_patterns(resolver: URLResolver, namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from iter_patterns(entry, inner or "")
        elif isinstance(entry, URLPattern) and entry.name:
            yield (f"{namespace}:{entry.name}" if namespace else entry.name), entry


def project_urls():
    urls = []
    for name, pattern in iter_patterns(get_resolver()):
        if name in EXEMPT_NAMES or name.split(":")[0] in EXEMPT_NAMESPACES:
            continue
        urls.append((name, pattern))
    return urls


def model_label_for(name: str, pattern: URLPattern, keyword: str) -> str:
    view_class = getattr(pattern.callback, "view_class", None)
    if keyword == "pk":
        model = getattr(view_class, "model", None) or getattr(getattr(view_class, "queryset", None), "model", None)
        if model is None:
            pytest.fail(f"{name}: cannot tell which model <pk> points at; give the view a `model`.")
        return model._meta.label_lower
    if keyword in KEYWORD_MODELS:
        return KEYWORD_MODELS[keyword]
    if keyword.endswith("_pk"):
        model_name = keyword.removesuffix("_pk")
        matches = [label for label in OBJECT_BUILDERS if label.split(".")[1] == model_name]
        if len(matches) == 1:
            return matches[0]
    pytest.fail(f"{name}: no builder for URL keyword <{keyword}>; add the model to OBJECT_BUILDERS.")


def test_the_walk_covers_the_project_urls():
    names = {name for name, _pattern in project_urls()}
    assert {"overview:home", "organizations:unit_list", "organizations:unit_detail"} <= names


@pytest.mark.parametrize(("name", "pattern"), project_urls(), ids=[name for name, _p in project_urls()])
def test_every_url_hides_another_units_records(client, name, pattern, ward, ward_official, other_ward_official):
    keywords = list(pattern.pattern.converters)
    if not keywords:
        inside = {label: build(ward) for label, build in OBJECT_BUILDERS.items()}
        url = reverse(name)
        client.force_login(INSIDERS[name](ward) if name in INSIDERS else ward_official)
        insider = client.get(url)
        assert insider.status_code == 200, f"{name} should open for a user of the unit"
        client.force_login(other_ward_official)
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404)
        assert ward.name not in readable_text(response), f"{name} shows another unit's records"
        listed = set((response.context or {}).get("object_list", []) or [])
        assert not listed & set(inside.values()), f"{name} lists another unit's records"
        return

    kwargs = {}
    for keyword in keywords:
        if keyword in KEYWORD_VALUES:
            kwargs[keyword] = KEYWORD_VALUES[keyword]
            continue
        label = model_label_for(name, pattern, keyword)
        kwargs[keyword] = OBJECT_BUILDERS[label](ward).pk
    url = reverse(name, kwargs=kwargs)

    client.force_login(INSIDERS[name](ward) if name in INSIDERS else ward_official)
    insider = client.get(url)
    assert insider.status_code in (200, 302, 405), f"{name}: a user of the unit gets {insider.status_code}"

    client.force_login(other_ward_official)
    assert client.get(url).status_code in (403, 404, 405), f"{name}: GET by an outsider is not refused"
    assert client.post(url, {}).status_code in (403, 404, 405), f"{name}: POST by an outsider is not refused"
    assert Unit.objects.filter(pk=ward.pk).exists()
