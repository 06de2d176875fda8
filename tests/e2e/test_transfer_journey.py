"""Work that flows between units, in the browser (issue #17): ward A transfers a letter to ward B; B acknowledges and
registers it; A sees it received and registered, urges once the time has passed, and then sees B's result. A third
ward sees nothing of it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from cases import services
from cases.models import Letter, Transfer
from organizations.models import Unit
from tests.e2e.conftest import login, shot
from tests.factories import CitizenFactory, UnitFactory, field, user_with_role

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_letter_transferred_to_the_competent_ward_is_received_registered_urged_and_answered(
    page, live_server, city, ward, other_ward, ward_official, other_ward_official
):
    sender = CitizenFactory(unit=other_ward, full_name="Lê Thị Hoa")
    letter = services.letter_receive(
        user=other_ward_official,
        unit=other_ward,
        received_on=timezone.localdate() - timedelta(days=2),
        channel="post",
        sender=sender,
        summary="Kiến nghị sửa đường ngõ 5 thuộc địa bàn phường bên cạnh",
        content="recommendation",
        field=field(),
        is_processable=True,
        within_competence=False,
    )

    # Ward A (the other ward) sends it to ward B (the ward).
    login(page, live_server, other_ward_official)
    page.goto(f"{live_server.url}{letter.get_absolute_url()}")
    page.locator("#transfers").get_by_role("link", name="Chuyển đơn vị có thẩm quyền").click()
    page.get_by_label("Đơn vị có thẩm quyền trong hệ thống").select_option(label=ward.name)
    page.get_by_label("Lý do chuyển").fill("Nội dung thuộc thẩm quyền của phường")
    page.locator("main").get_by_role("button", name="Chuyển", exact=True).click()
    transfer = Transfer.objects.get()
    assert transfer.to_unit_id == ward.pk and transfer.status == "sent"

    # Ward B finds it waiting on its home page and in its inbox, acknowledges and registers it.
    login(page, live_server, ward_official)
    assert "Đơn, vụ việc chuyển đến chờ xác nhận" in page.content()
    page.goto(f"{live_server.url}/cases/transfers/")
    page.get_by_role("link", name=letter.number).first.click()
    shot(page, "4-transfer-received")
    page.get_by_role("button", name="Xác nhận đã nhận").click()
    page.get_by_role("button", name="Vào sổ của đơn vị").click()
    transfer.refresh_from_db()
    registered = transfer.registered_letter
    assert transfer.status == "registered" and registered.unit_id == ward.pk

    # Ward A sees it received and registered; ten days on without a result, it urges.
    login(page, live_server, other_ward_official)
    page.goto(f"{live_server.url}{letter.get_absolute_url()}")
    panel = page.locator("#transfers").inner_text()
    assert "Đã nhận ngày" in panel and f"Đã vào sổ thành đơn số {registered.number}" in panel
    Transfer.objects.filter(pk=transfer.pk).update(sent_on=timezone.localdate() - timedelta(days=11))
    page.reload()
    page.locator(f"#urge-note-{transfer.pk}").fill("Đề nghị phường sớm giải quyết")
    page.get_by_role("button", name="Đôn đốc đơn vị nhận").click()
    assert "Đôn đốc ngày" in page.locator("#transfers").inner_text()

    # Ward B concludes the case its letter became; ward A reads the result on its own letter.
    clerk = user_with_role(ward, Role.WARD_OFFICIAL, may_see_identity=True)
    registered = services.letter_classify(
        user=clerk,
        letter=registered,
        content="recommendation",
        field=field(),
        is_processable=True,
        within_competence=True,
    )
    services.letter_dispose(user=clerk, letter=registered, disposition="case", on=timezone.localdate())
    case = Letter.objects.get(pk=registered.pk).case
    services.case_transition(user=clerk, case=case, move="classify")
    services.case_transition(user=clerk, case=case, move="accept")
    reviewer = user_with_role(ward, Role.DISTRICT_REVIEWER)
    services.case_transition(user=reviewer, case=case, move="conclude", outcome="right")
    page.reload()
    assert f"Kết quả: vụ việc {case.number}" in page.locator("#transfers").inner_text()
    shot(page, "4-transfer-answered")

    # A third ward sees nothing of it.
    third = UnitFactory(name="Phường Thứ Ba", parent=city, valid_from=Unit.objects.get(pk=ward.pk).valid_from)
    login(page, live_server, user_with_role(third, Role.WARD_OFFICIAL))
    assert page.goto(f"{live_server.url}/cases/transfers/{transfer.pk}/").status == 404
    page.goto(f"{live_server.url}/cases/transfers/")
    assert letter.number not in page.locator("main").inner_text()
