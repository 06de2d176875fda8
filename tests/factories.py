"""factory_boy factories. Every record is built inside the unit it is given; nothing spans two units by accident."""

from datetime import date

import factory

from accounts.models import RoleAssignment, User
from accounts.roles import Role
from organizations.choices import UnitKind
from organizations.models import Reorganisation, Unit, UnitSuccession


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"Phường Thử Nghiệm {n}")
    kind = UnitKind.COMMUNE
    division_type = "phường"
    code = factory.Sequence(lambda n: f"9{n:04d}")


class UserFactory(factory.django.DjangoModelFactory):
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


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
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
