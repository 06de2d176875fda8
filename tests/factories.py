"""factory_boy factories. Every record is built inside the unit it is given; nothing spans two units by accident."""

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

import factory
from django.db import models
from django.utils import timezone

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from cases.models import Case, Letter
from citizens.models import Citizen, ReceptionSession, Visit
from organizations.choices import UnitKind
from organizations.models import Reorganisation, Unit, UnitSuccession


class ModelFactory[M: models.Model](factory.django.DjangoModelFactory[M]):
    """A factory whose call gives its model's instance, as factory_boy's does (its __new__ is untyped)."""

    if TYPE_CHECKING:

        def __new__(cls, *args: Any, **kwargs: Any) -> M:  # type: ignore[misc]  # a model, not a factory
            ...


class UnitFactory(ModelFactory[Unit]):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Phường Thử Nghiệm {n}")
    kind = UnitKind.COMMUNE
    division_type = "phường"
    code = factory.Sequence(lambda n: f"9{n:04d}")


class UserFactory(ModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Cán bộ {n}")
    password = factory.PostGenerationMethodCall("set_password", "Mat-khau-2026")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class RoleAssignmentFactory(ModelFactory[RoleAssignment]):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.WARD_OFFICIAL


def user_with_role(unit: Unit, role: str = Role.WARD_OFFICIAL, **kwargs) -> User:
    """A user holding one role for one unit."""
    return RoleAssignmentFactory(unit=unit, role=role, **kwargs).user


def merge_units(predecessors: list[Unit], successor: Unit, on: date = date(2025, 7, 1)) -> Reorganisation:
    """Record that `predecessors` became `successor` on a date, as the 2025 reform did."""
    reorganisation = Reorganisation.objects.create(name=f"Sáp nhập vào {successor}", effective_date=on)
    for predecessor in predecessors:
        UnitSuccession.objects.create(reorganisation=reorganisation, predecessor=predecessor, successor=successor)
    return reorganisation


def field(code: str = "dat-dai"):
    from cases.models import CaseField

    return CaseField.objects.get(code=code)


class CitizenFactory(ModelFactory[Citizen]):
    class Meta:
        model = "citizens.Citizen"

    full_name = "Nguyễn Văn An"
    national_id = factory.Sequence(lambda n: f"001090{n:06d}")
    address = "Số 5 phố Đội Cấn"


class ReceptionSessionFactory(ModelFactory[ReceptionSession]):
    """A held session; pass `unit` (and `created_by`) explicitly."""

    class Meta:
        model = "citizens.ReceptionSession"

    number = factory.Sequence(lambda n: f"{n + 1}/2026")
    kind = "regular"
    status = "held"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=2))
    place = "Trụ sở tiếp công dân"
    host_name = "Cán bộ tiếp dân"
    created_by = factory.SubFactory(UserFactory)


class VisitFactory(ModelFactory[Visit]):
    """A visit in `session`, by a citizen of the session's unit."""

    class Meta:
        model = "citizens.Visit"

    citizen = factory.LazyAttribute(lambda o: CitizenFactory(unit=o.session.unit))
    people_count = 1
    content = "Đề nghị cấp giấy chứng nhận quyền sử dụng đất"
    field = factory.LazyFunction(field)
    outcome = "guided"
    created_by = factory.LazyAttribute(lambda o: o.session.created_by)


class CaseFactory(ModelFactory[Case]):
    class Meta:
        model = "cases.Case"

    number = factory.Sequence(lambda n: f"{n + 1}/2026")
    kind = "complaint"
    field = factory.LazyFunction(field)
    channel = "post"
    received_on = date(2026, 3, 2)
    summary = "Khiếu nại quyết định thu hồi đất"
    created_by = factory.SubFactory(UserFactory)


class LetterFactory(ModelFactory[Letter]):
    """A registered, anonymous letter; pass `unit`."""

    class Meta:
        model = "cases.Letter"

    number = factory.Sequence(lambda n: f"{n + 1}/2026")
    received_on = date(2026, 3, 2)
    channel = "post"
    summary = "Đơn phản ánh việc lấn chiếm vỉa hè"
    is_anonymous = True
    created_by = factory.SubFactory(UserFactory)
