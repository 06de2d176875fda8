"""Imports of the citizens register and of the reception book (sổ tiếp công dân) from spreadsheets.

Citizens are found again by identity number (CCCD) within the unit that records them, as citizen_find_or_create
does. The reception book comes one row per visit; rows with the same unit, date, kind and session number (or no
number) are one session. Sessions, visits and citizens obey the services' rules (online reception only from
01/07/2026, a held session not in the future, mass delegations as citizens.delegations counts them, repeat visitors
recognised); a visit whose outcome was "letter received" does not open a case here: the cases come from the
cases register, with their own numbers, so that importing both registers does not count a case twice."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from citizens.choices import HeadPosition, SessionKind, SessionMode, SessionStatus, VisitOutcome
from citizens.delegations import is_mass
from citizens.models import Citizen, Dialogue, ReceptionSession, Visit
from citizens.services import validate_session, visit_rule_errors
from core.models import NumberSequence
from core.text import fold
from imports.base import (
    CREATE,
    UNCHANGED,
    UNIT_CODE,
    Column,
    ImportContext,
    Importer,
    Row,
    bump_sequence,
    validate_fields,
    void_records,
)
from imports.importers.cases import KIND, Lookups, citizens_by_id
from imports.values import (
    ChoiceParser,
    parse_bool,
    parse_date,
    parse_digits,
    parse_multiline,
    parse_positive_int,
    parse_time,
)
from organizations.choices import UnitKind
from organizations.models import Unit

NATIONAL_ID_ALIASES = ("cccd", "số cccd", "căn cước công dân", "số căn cước", "số định danh", "cmnd/cccd")


class CitizenImporter(Importer):
    kind = "citizens"
    label = gettext_lazy("Citizens")
    description = gettext_lazy(
        "One row per person, found again by identity number (CCCD) in the unit: a person already recorded is "
        "updated, never recorded twice."
    )
    model = Citizen
    columns = [
        Column(
            "full_name",
            gettext_lazy("Full name"),
            required=True,
            aliases=("họ và tên", "họ tên", "tên công dân"),
            example="Nguyễn Văn An",
        ),
        Column(
            "national_id",
            gettext_lazy("Citizen identity number (CCCD)"),
            parse_digits,
            True,
            NATIONAL_ID_ALIASES,
            "001090000123",
            gettext_lazy("12 digits; format the column as text so Excel keeps the leading zeros."),
        ),
        Column("phone", gettext_lazy("Phone"), aliases=("số điện thoại", "điện thoại", "sđt"), example="0912345678"),
        Column(
            "address",
            gettext_lazy("Address"),
            aliases=("địa chỉ", "nơi ở", "địa chỉ thường trú"),
            example="Số 5 phố Đội Cấn",
        ),
        Column(
            "residence_code",
            gettext_lazy("Code of the commune/ward of residence"),
            aliases=("mã xã/phường cư trú", "mã phường cư trú"),
        ),
        UNIT_CODE,
    ]
    sample_keys = ["full_name", "national_id", "address", "unit_code"]
    field_columns = {"residence": "residence_code"}
    void_note = gettext_lazy(
        "Citizens are not voided: a person stays in the register (other records may name them); correct or "
        "complete their particulars on their page."
    )

    def check(self, rows: list[Row], context: ImportContext) -> None:
        for row in rows:
            if row.ok:
                row.unit = context.resolve_unit(row)
        rows = [row for row in rows if row.ok]
        existing = citizens_by_id(rows, "national_id")
        residences = {
            unit.code: unit
            for unit in Unit.objects.current().filter(
                kind=UnitKind.COMMUNE, code__in={row.values["residence_code"] for row in rows}
            )
        }
        self.mark_duplicates(rows, lambda row: (row.resolved_unit.pk, row.values["national_id"]), "national_id")
        for row in (row for row in rows if row.ok):
            v = row.values
            residence = None
            if v["residence_code"]:
                residence = residences.get(v["residence_code"])
                if residence is None:
                    row.error(
                        "residence_code",
                        _("No current commune or ward has the code {code}.").format(code=v["residence_code"]),
                    )
            wanted = {"full_name": v["full_name"], "phone": v["phone"], "address": v["address"], "residence": residence}
            citizen = existing.get((row.resolved_unit.pk, v["national_id"]))
            if citizen is None:
                citizen = Citizen(unit=row.unit, national_id=v["national_id"], **wanted)
                validate_fields(citizen, row, {name: name for name in ("full_name", "national_id", "phone", "address")})
                row.action, row.data = CREATE, {"citizen": citizen}
            else:
                row.existing = citizen
                self.compare(row, citizen, wanted)
                for name, value in row.changes.items():
                    setattr(citizen, name, value)
                validate_fields(citizen, row, {name: name for name in ("full_name", "phone", "address")})

    def write(self, rows: list[Row], context: ImportContext) -> list:
        written = []
        for row in rows:
            citizen = row.data["citizen"] if row.action == CREATE else row.existing
            citizen._history_user = context.user
            citizen.save()
            written.append((citizen, row.action, row.number))
        return written

    def void(self, records: dict, *, user, reason: str) -> int:
        return 0


SESSION_KIND = ChoiceParser(
    SessionKind.choices,
    {"thường xuyên": "regular", "định kỳ": "periodic", "đột xuất": "ad_hoc", "đối thoại": "dialogue"},
)
SESSION_MODE = ChoiceParser(SessionMode.choices, {"trực tiếp": "direct", "trực tuyến": "online"})
HEAD = ChoiceParser(
    HeadPosition.choices, {"bí thư": "party_secretary", "chủ tịch ubnd": "pc_chairman", "chủ tịch": "pc_chairman"}
)
OUTCOME = ChoiceParser(
    VisitOutcome.choices,
    {
        "hướng dẫn": "guided",
        "giải thích, hướng dẫn": "guided",
        "nhận đơn": "letter_received",
        "tiếp nhận đơn": "letter_received",
        "chuyển": "transferred",
        "chuyển đơn": "transferred",
        "từ chối": "refused",
        "từ chối tiếp": "refused",
    },
)


class SessionImporter(Importer):
    kind = "sessions"
    label = gettext_lazy("Reception book (sessions and visits)")
    description = gettext_lazy(
        "One row per visit. Rows with the same unit, date, kind of session and session number are one session. "
        "The citizen is found by identity number in the unit, or recorded from the name and address given."
    )
    model = Visit
    columns = [
        UNIT_CODE,
        Column(
            "date",
            gettext_lazy("Date of the session"),
            parse_date,
            True,
            ("ngày tiếp", "ngày", "ngày tiếp dân"),
            "14/03/2024",
        ),
        Column("time", gettext_lazy("Time"), parse_time, aliases=("giờ", "giờ tiếp"), example="08:00"),
        Column("session_number", gettext_lazy("Session number"), aliases=("số buổi", "số buổi tiếp")),
        Column(
            "session_kind",
            gettext_lazy("Kind of session"),
            SESSION_KIND,
            True,
            ("loại buổi tiếp", "hình thức tiếp"),
            "Định kỳ",
        ),
        Column("mode", gettext_lazy("Mode"), SESSION_MODE, aliases=("hình thức",), example="Trực tiếp"),
        Column(
            "place",
            gettext_lazy("Place"),
            required=True,
            aliases=("địa điểm", "nơi tiếp"),
            example="Trụ sở tiếp công dân phường",
        ),
        Column(
            "host_name",
            gettext_lazy("Host"),
            required=True,
            aliases=("người chủ trì", "người tiếp", "chủ trì"),
            example="Trần Văn Bình",
        ),
        Column(
            "host_title",
            gettext_lazy("Host's position"),
            aliases=("chức vụ", "chức vụ người chủ trì"),
            example="Bí thư Đảng ủy",
        ),
        Column("head_position", gettext_lazy("Duty of"), HEAD, aliases=("trách nhiệm tiếp của",), example="Bí thư"),
        Column(
            "head_in_person",
            gettext_lazy("The head hosted in person"),
            parse_bool,
            aliases=("người đứng đầu trực tiếp tiếp",),
            example="có",
        ),
        Column(
            "national_id",
            gettext_lazy("Citizen identity number (CCCD)"),
            parse_digits,
            aliases=NATIONAL_ID_ALIASES,
            example="001090000123",
        ),
        Column(
            "full_name",
            gettext_lazy("Full name"),
            required=True,
            aliases=("họ và tên", "họ tên", "người đến"),
            example="Nguyễn Văn An",
        ),
        Column("address", gettext_lazy("Address"), aliases=("địa chỉ",), example="Số 5 phố Đội Cấn"),
        Column("people_count", gettext_lazy("Number of people"), parse_positive_int, aliases=("số người",), example=1),
        Column(
            "content",
            gettext_lazy("Content"),
            parse_multiline,
            True,
            ("nội dung", "nội dung trình bày"),
            "Đề nghị cấp giấy chứng nhận quyền sử dụng đất",
        ),
        Column("content_kind", gettext_lazy("Nature of the content"), KIND, aliases=("tính chất", "phân loại")),
        Column("field", gettext_lazy("Field"), required=True, aliases=("lĩnh vực",), example="Đất đai"),
        Column("outcome", gettext_lazy("Outcome"), OUTCOME, True, ("kết quả", "kết quả tiếp"), "Giải thích, hướng dẫn"),
        Column("transferred_to", gettext_lazy("Transferred to"), aliases=("chuyển đến",)),
        Column("refusal_reason", gettext_lazy("Reason for refusal"), aliases=("lý do từ chối",)),
    ]
    sample_keys = ["date", "session_kind", "host_name", "full_name", "content"]
    void_note = gettext_lazy(
        "The sessions and visits it created are voided (kept, marked void with the reason); the citizens it "
        "recorded stay in the register."
    )

    def check(self, rows: list[Row], context: ImportContext) -> None:
        lookups = Lookups()
        for row in rows:
            if row.ok:
                row.unit = context.resolve_unit(row)
        rows = [row for row in rows if row.ok]
        unit_ids = {row.resolved_unit.pk for row in rows}
        dates = [row.values["date"] for row in rows]
        sessions: dict[tuple, ReceptionSession] = {}
        if dates:
            for held in ReceptionSession.objects.filter(
                unit_id__in=unit_ids, starts_at__date__gte=min(dates), starts_at__date__lte=max(dates)
            ):
                local_day = timezone.localdate(held.starts_at)
                sessions.setdefault((held.unit_id, local_day, held.kind, held.number), held)
                sessions.setdefault((held.unit_id, local_day, held.kind, ""), held)
        citizens = citizens_by_id(rows, "national_id")
        by_name = {
            (citizen.unit_id, fold(citizen.full_name), fold(citizen.address)): citizen
            for citizen in Citizen.objects.filter(unit_id__in=unit_ids, national_id="")
        }
        visitor_ids = set(
            Visit.objects.active().filter(citizen__unit_id__in=unit_ids).values_list("citizen_id", flat=True)
        )
        visits = {
            (visit.session_id, visit.citizen_id, fold(visit.content))
            for visit in Visit.objects.filter(session__in={s.pk for s in sessions.values()})
        }
        new_sessions: dict[tuple, ReceptionSession] = {}
        new_citizens: dict[tuple, Citizen] = {}
        self.mark_duplicates(rows, self._visit_key, "content")
        for row in (row for row in rows if row.ok):
            v = row.values
            key = (row.resolved_unit.pk, v["date"], v["session_kind"], v["session_number"])
            session = sessions.get(key) or new_sessions.get(key)
            if session is not None and session.pk and (session.is_void or session.status != SessionStatus.HELD):
                row.error("session_number", _("Visits are recorded only for a session that has been held."))
                continue
            if session is None:
                starts_at = timezone.make_aware(
                    datetime.combine(v["date"], v["time"] or datetime.min.time().replace(hour=8))
                )
                session = ReceptionSession(
                    unit=row.unit,
                    number=v["session_number"],
                    kind=v["session_kind"],
                    mode=v["mode"] or SessionMode.DIRECT,
                    status=SessionStatus.HELD,
                    starts_at=starts_at,
                    place=v["place"],
                    host_name=v["host_name"],
                    host_title=v["host_title"],
                    head_position=v["head_position"] or "",
                    head_in_person=bool(v["head_in_person"]),
                    created_by=context.user,
                )
                try:
                    validate_session(session)
                except ValidationError as error:
                    self.apply_validation_error(
                        row, error, {"starts_at": "date", "mode": "mode", "head_position": "head_position"}
                    )
                validate_fields(
                    session,
                    row,
                    {"place": "place", "host_name": "host_name", "host_title": "host_title"},
                    exclude=["number"],
                )
                if not row.ok:
                    continue
                new_sessions[key] = session
                row.data["new_session"] = True
            citizen = None
            if v["national_id"]:
                citizen = citizens.get((row.resolved_unit.pk, v["national_id"])) or new_citizens.get(
                    (row.resolved_unit.pk, v["national_id"])
                )
            else:
                citizen = by_name.get(
                    (row.resolved_unit.pk, fold(v["full_name"]), fold(v["address"]))
                ) or new_citizens.get((row.resolved_unit.pk, fold(v["full_name"]), fold(v["address"])))
            if citizen is None:
                citizen = Citizen(
                    unit=row.unit, full_name=v["full_name"], national_id=v["national_id"], address=v["address"]
                )
                validate_fields(
                    citizen, row, {"full_name": "full_name", "national_id": "national_id", "address": "address"}
                )
                new_citizens[
                    (row.resolved_unit.pk, v["national_id"])
                    if v["national_id"]
                    else (row.resolved_unit.pk, fold(v["full_name"]), fold(v["address"]))
                ] = citizen
                row.data["new_citizen"] = True
            people = v["people_count"] or 1
            for name, message in visit_rule_errors(
                people_count=people,
                is_mass_delegation=is_mass(people),
                outcome=v["outcome"],
                transferred_to=v["transferred_to"],
                refusal_reason=v["refusal_reason"],
                content_kind=v["content_kind"],
            ).items():
                row.error({"is_mass_delegation": "people_count"}.get(name, name), message)
            case_field = lookups.field(row, "field")
            if not row.ok:
                continue
            if session.pk and citizen.pk and (session.pk, citizen.pk, fold(v["content"])) in visits:
                row.action = UNCHANGED
                continue
            visit = Visit(
                session=session,
                citizen=citizen,
                people_count=people,
                is_mass_delegation=is_mass(people),
                content=v["content"],
                content_kind=v["content_kind"] or "",
                field=case_field,
                outcome=v["outcome"],
                transferred_to=v["transferred_to"],
                refusal_reason=v["refusal_reason"],
                created_by=context.user,
                is_repeat=citizen.pk in visitor_ids or id(citizen) in visitor_ids,
            )
            visitor_ids.add(citizen.pk or id(citizen))
            validate_fields(visit, row, {"content": "content", "people_count": "people_count"})
            row.action, row.data["visit"] = CREATE, visit

    @staticmethod
    def _visit_key(row: Row):
        v = row.values
        return (
            row.resolved_unit.pk,
            v["date"],
            v["session_kind"],
            v["session_number"],
            v["national_id"] or fold(v["full_name"]),
            fold(v["content"]),
        )

    def write(self, rows: list[Row], context: ImportContext) -> list:
        user, written = context.user, []
        for row in rows:
            visit = row.data["visit"]
            session, citizen = visit.session, visit.citizen
            if session.pk is None:
                year = timezone.localdate(session.starts_at).year
                if not session.number:
                    value = NumberSequence.next_value(unit_id=session.unit_id, register="session", year=year)
                    session.number = f"{value}/{year}"
                session._history_user = user
                session.save()
                if session.kind == SessionKind.DIALOGUE:
                    Dialogue.objects.create(session=session)
                written.append((session, CREATE, row.number))
            if citizen.pk is None:
                citizen._history_user = user
                citizen.save()
                written.append((citizen, CREATE, row.number))
            visit.session, visit.citizen = session, citizen
            visit._history_user = user
            visit.save()
            written.append((visit, CREATE, row.number))
        bump_sequence(
            register="session", numbers=[(s.unit_id, s.number) for s, *_ in written if isinstance(s, ReceptionSession)]
        )
        return written

    def void(self, records: dict, *, user, reason: str) -> int:
        visits = void_records(Visit, records.get(Visit, []), user=user, reason=reason)
        sessions = void_records(ReceptionSession, records.get(ReceptionSession, []), user=user, reason=reason)
        return len(visits) + len(sessions)
