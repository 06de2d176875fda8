"""Taking the personal data out of records past their period, keeping everything the statistics count.

What goes: the person (a letter's sender, a case's complainant; a visit, which must name someone, is pointed at the
unit's anonymous person), the other names on the record (other complainants, the group's representatives, the
person complained about), the free text that tells the matter in the person's words (content, title, results), and
the record's documents (the files are deleted, the rows kept void). The same fields are blanked in the record's
history, which would otherwise keep every old value. A person left with no record that still names them is
anonymised in turn (name, identity number, phone, address), with their history.

What stays: the kind, field, channel, dates, status, outcome, number of people, money and land returned, the
unit: every figure a report counts, so a closed period's report compiles to the same figures after a disposal.
"""

from collections.abc import Iterable

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Attachment, Case, Letter
from citizens.models import Citizen, Visit

ANONYMISED_NAME = "Người đã được ẩn danh"


def _save(record: models.Model, user: User) -> None:
    """Save as stored, with `user` as the author of the history entry: no validation, since a record kept for
    years may carry values today's rules would refuse (a date before its unit's new start), and nothing the
    anonymisation writes needs checking."""
    record._history_user = user  # type: ignore[attr-defined]  # read by django-simple-history
    record.save()


def anonymised_text(decision: str) -> str:
    return _("[Personal data removed after the retention period: disposal {decision}]").format(decision=decision)


def anonymous_person(unit_id: int) -> Citizen:
    """The unit's stand-in for the people taken out of the visits it disposed of."""
    person, _created = Citizen.objects.get_or_create(
        unit_id=unit_id, is_anonymised=True, full_name=ANONYMISED_NAME, defaults={"national_id": ""}
    )
    return person


def _drop_documents(*, cases: Iterable[int] = (), letters: Iterable[int] = ()) -> None:
    for attachment in Attachment.objects.filter(Q(case__in=list(cases)) | Q(letter__in=list(letters))):
        attachment.file.delete(save=False)
        attachment.original_name, attachment.description, attachment.is_void = "—", "", True
        attachment.save(update_fields=["file", "original_name", "description", "is_void"])
        attachment.history.all().update(original_name="—", description="")


def anonymise_letters(letters: list[Letter], *, user: User, decision: str) -> set[int]:
    """Anonymise letters; returns the people they named."""
    text, people = anonymised_text(decision), set()
    ids = [letter.pk for letter in letters]
    Letter.history.filter(id__in=ids).update(sender=None, summary=text, title="")
    for letter in letters:
        if letter.sender_id:
            people.add(letter.sender_id)
        letter.sender, letter.summary, letter.title = None, text, ""
        _save(letter, user)
    _drop_documents(letters=ids)
    return people


def anonymise_cases(cases: list[Case], *, user: User, decision: str) -> set[int]:
    """Anonymise cases; returns the people they named."""
    text, people = anonymised_text(decision), set()
    ids = [case.pk for case in cases]
    Case.history.filter(id__in=ids).update(
        complainant=None, other_complainants="", respondent="", summary=text, result_notes=""
    )
    for case in cases:
        if case.complainant_id:
            people.add(case.complainant_id)
        case.complainant, case.other_complainants, case.respondent = None, "", ""
        case.summary, case.result_notes = text, ""
        case.refresh_identity_text()
        _save(case, user)
    _drop_documents(cases=ids)
    return people


def anonymise_visits(visits: list[Visit], *, user: User, decision: str) -> set[int]:
    """Anonymise visits (pointed at their unit's anonymous person); returns the people they named."""
    text, people = anonymised_text(decision), set()
    for visit in visits:
        stand_in = anonymous_person(visit.session.unit_id)
        people.add(visit.citizen_id)
        Visit.history.filter(id=visit.pk).update(citizen=stand_in, representatives="", content=text, refusal_reason="")
        visit.citizen, visit.representatives, visit.content, visit.refusal_reason = stand_in, "", text, ""
        _save(visit, user)
    return people


def anonymise_people_left_without_records(people: set[int], *, user: User) -> list[Citizen]:
    """Anonymise those of `people` that no letter, case or visit names any more."""
    left = list(
        Citizen.objects.filter(pk__in=people, is_anonymised=False)
        .exclude(letters__isnull=False)
        .exclude(cases__isnull=False)
        .exclude(visits__isnull=False)
    )
    blank = {"full_name": ANONYMISED_NAME, "national_id": "", "phone": "", "address": ""}
    Citizen.history.filter(id__in=[person.pk for person in left]).update(**blank)
    for person in left:
        for name, value in blank.items():
            setattr(person, name, value)
        person.is_anonymised = True
        _save(person, user)
    return left
