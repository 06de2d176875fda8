"""Stale forms: two officials edit one case (session, visit, dossier) from forms loaded at the same time; the second
save does not undo the first one's change without telling."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from cases.models import Case
from organizations.models import WeakReason
from organizations.services import dossier_open
from tests.factories import CaseFactory, CitizenFactory, ReceptionSessionFactory, VisitFactory, user_with_role


def _loaded_form(client: Client, case: Case) -> dict:
    return _loaded(client, reverse("cases:case_update", kwargs={"pk": case.pk}))


def _loaded(client: Client, url: str) -> dict:
    """The edit form's fields as the browser would send them back unchanged (its inputs, selects and textareas)."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    data = {}
    for name, bound in form.fields.items():
        value = form[name].value()
        if bound.disabled:
            continue
        if value is None or value is False:
            continue
        data[name] = [str(v) for v in value] if isinstance(value, list) else "on" if value is True else value
    return data


@pytest.fixture
def two_officials(ward, ward_official):
    other = user_with_role(ward, Role.WARD_OFFICIAL)
    a, b = Client(), Client()
    a.force_login(ward_official)
    b.force_login(other)
    return a, b


def test_a_save_from_a_stale_form_is_refused_with_what_changed_and_the_input_kept(ward, ward_official, two_officials):
    case = CaseFactory(unit=ward, created_by=ward_official, respondent="UBND phường")
    a, b = two_officials
    form_a, form_b = _loaded_form(a, case), _loaded_form(b, case)
    url = reverse("cases:case_update", kwargs={"pk": case.pk})

    assert a.post(url, form_a | {"respondent": "Chủ tịch UBND phường"}).status_code == 302
    response = b.post(url, form_b | {"summary": "Khiếu nại việc bồi thường khi thu hồi đất"})

    assert response.status_code == 200
    case.refresh_from_db()
    assert case.respondent == "Chủ tịch UBND phường"  # A's change stands
    assert case.summary == "Khiếu nại quyết định thu hồi đất"  # B's is not applied over it
    page = response.content.decode()
    assert "UBND phường” → “Chủ tịch UBND phường" in page.replace("&#x27;", "'")
    form = response.context["form"]
    assert form["summary"].value() == "Khiếu nại việc bồi thường khi thu hồi đất"  # B's input kept
    assert re.search(r'type="hidden" name="version" value="\d+"', page)

    # B has seen the change; saving the form again (with the current version it now carries) applies B's input.
    response = b.post(url, dict(form.data.items()) | {"respondent": "Chủ tịch UBND phường"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.respondent, case.summary) == ("Chủ tịch UBND phường", "Khiếu nại việc bồi thường khi thu hồi đất")


def test_a_stale_form_that_agrees_with_the_later_change_or_leaves_other_fields_is_saved(
    ward, ward_official, two_officials
):
    case = CaseFactory(unit=ward, created_by=ward_official, respondent="UBND phường")
    a, b = two_officials
    form_a, form_b = _loaded_form(a, case), _loaded_form(b, case)
    url = reverse("cases:case_update", kwargs={"pk": case.pk})
    assert a.post(url, form_a | {"respondent": "Chủ tịch UBND phường"}).status_code == 302
    # B typed the same respondent: nothing of A's is undone.
    response = b.post(url, form_b | {"respondent": "Chủ tịch UBND phường", "summary": "Nội dung mới"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.respondent, case.summary) == ("Chủ tịch UBND phường", "Nội dung mới")


def test_a_form_with_a_version_of_another_record_is_refused(ward, ward_official, two_officials):
    case, other = CaseFactory(unit=ward, created_by=ward_official), CaseFactory(unit=ward, created_by=ward_official)
    a, _b = two_officials
    form = _loaded_form(a, other)
    form["summary"] = "Nội dung mới"
    response = a.post(reverse("cases:case_update", kwargs={"pk": case.pk}), form)
    case.refresh_from_db()
    assert response.status_code == 200 and case.summary == "Khiếu nại quyết định thu hồi đất"


def _loaded_session_form(client: Client, session) -> dict:
    response = client.get(reverse("citizens:session_update", kwargs={"pk": session.pk}))
    assert response.status_code == 200
    form = response.context["form"]
    data = {}
    for name, bound in form.fields.items():
        value = form[name].value()
        if bound.disabled or value is None or value is False:
            continue
        data[name] = "on" if value is True else value
    data["starts_at"] = timezone.localtime(session.starts_at).strftime("%d/%m/%Y %H:%M")
    return data


def test_a_session_saved_from_a_stale_form_is_refused_with_what_changed(ward, ward_official, two_officials):
    session = ReceptionSessionFactory(unit=ward, created_by=ward_official, place="Trụ sở")
    a, b = two_officials
    form_a, form_b = _loaded_session_form(a, session), _loaded_session_form(b, session)
    assert form_b["version"]
    url = reverse("citizens:session_update", kwargs={"pk": session.pk})

    assert a.post(url, form_a | {"place": "Nhà văn hóa tổ dân phố 3"}).status_code == 302
    response = b.post(url, form_b | {"minutes": "Biên bản buổi tiếp"})

    assert response.status_code == 200
    session.refresh_from_db()
    assert (session.place, session.minutes) == ("Nhà văn hóa tổ dân phố 3", "")
    assert "Trụ sở” → “Nhà văn hóa tổ dân phố 3" in response.content.decode()
    assert response.context["form"]["minutes"].value() == "Biên bản buổi tiếp"
    response = b.post(url, dict(response.context["form"].data.items()) | {"place": "Nhà văn hóa tổ dân phố 3"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.place, session.minutes) == ("Nhà văn hóa tổ dân phố 3", "Biên bản buổi tiếp")


def test_a_dossier_saved_from_a_stale_form_is_refused_with_what_changed(grassroots, ward_official, two_officials):
    dossier = dossier_open(
        user=ward_official,
        unit=grassroots,
        year=2025,
        origin="rating",
        identified_on=date(2026, 1, 5),
        reasons=WeakReason.objects.filter(code="mat-doan-ket"),
        goals="Khôi phục đoàn kết nội bộ",
        responsible_leader="Đồng chí Phó Bí thư",
    )
    a, b = two_officials
    url = reverse("organizations:dossier_update", kwargs={"pk": dossier.pk})
    form_a, form_b = _loaded(a, url), _loaded(b, url)
    assert a.post(url, form_a | {"goals": "Kiện toàn chi ủy trong quý II"}).status_code == 302
    response = b.post(url, form_b | {"responsible_leader": "Đồng chí Bí thư Đảng ủy phường"})
    assert response.status_code == 200
    dossier.refresh_from_db()
    assert (dossier.goals, dossier.responsible_leader) == ("Kiện toàn chi ủy trong quý II", "Đồng chí Phó Bí thư")
    assert "Khôi phục đoàn kết nội bộ” → “Kiện toàn chi ủy trong quý II" in response.content.decode()
    assert response.context["form"]["responsible_leader"].value() == "Đồng chí Bí thư Đảng ủy phường"


def test_a_visit_saved_from_a_stale_form_is_refused_with_what_changed(ward, ward_official, two_officials):
    visit = VisitFactory(session=ReceptionSessionFactory(unit=ward, created_by=ward_official))
    a, b = two_officials
    url = reverse("intake:visit_update", kwargs={"pk": visit.pk})
    form_a, form_b = _loaded(a, url), _loaded(b, url)
    assert form_b["version"]
    assert a.post(url, form_a | {"content": "Đề nghị cấp sổ đỏ cho thửa đất số 12"}).status_code == 302
    response = b.post(url, form_b | {"people_count": "3"})
    assert response.status_code == 200
    visit.refresh_from_db()
    assert (visit.content, visit.people_count) == ("Đề nghị cấp sổ đỏ cho thửa đất số 12", 1)
    assert "→ “Đề nghị cấp sổ đỏ cho thửa đất số 12" in response.content.decode()
    assert response.context["form"]["people_count"].value() == "3"


def test_a_stale_form_does_not_name_who_came_to_a_denunciation_visit(ward, ward_official, two_officials):
    visit = VisitFactory(
        session=ReceptionSessionFactory(unit=ward, created_by=ward_official), content_kind="denunciation"
    )
    # Officials who may see who came: the message still does not put the person's name in a banner.
    reviewer_a = user_with_role(ward, Role.WARD_OFFICIAL, may_see_identity=True)
    reviewer_b = user_with_role(ward, Role.WARD_OFFICIAL, may_see_identity=True)
    a, b = Client(), Client()
    a.force_login(reviewer_a)
    b.force_login(reviewer_b)
    url = reverse("intake:visit_update", kwargs={"pk": visit.pk})
    form_a, form_b = _loaded(a, url), _loaded(b, url)
    other = CitizenFactory(unit=ward, full_name="Trần Thị Tố Giác Riêng")
    assert a.post(url, form_a | {"citizen": other.pk}).status_code == 302
    response = b.post(url, form_b | {"people_count": "2"})
    assert response.status_code == 200
    message = " ".join(str(error) for error in response.context["form"].non_field_errors())
    assert "***" in message and "Trần Thị Tố Giác Riêng" not in message and visit.citizen.full_name not in message
