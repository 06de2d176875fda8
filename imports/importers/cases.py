"""Imports of the letters register (sổ theo dõi đơn thư) and the cases register from spreadsheets.

Imported records obey the rules of typed ones: the model's field rules, the services' rules on letters and on a
case's status and dates, statutory deadlines computed from the same rules table and holidays, numbers kept and
the register's running number moved past them, search text filled, history and a timeline entry by the importing
user. What a register brings as past facts (a case already concluded, a hot spot already designated) is recorded
as such, with the import named in the timeline. Written in bulk: 10,000 cases must import in seconds."""

from collections import defaultdict
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from accounts.confidentiality import UNPROTECTING_REFUSED, log_identity_views, may_see_identity
from accounts.models import User
from accounts.roles import Action
from accounts.scoping import has_right
from cases.choices import (
    ArchiveReason,
    Attempt,
    CaseKind,
    CaseStatus,
    Channel,
    Complexity,
    Designation,
    EventKind,
    LetterContent,
    LetterDisposition,
    Outcome,
)
from cases.deadlines import DeadlinePlanner, current_due_on, deadline_note, letter_due_on
from cases.flags import DESIGNATION_FIELDS
from cases.models import CONFIDENTIAL_CONTENTS, Case, CaseDeadline, CaseDesignation, CaseEvent, CaseField, Letter
from cases.services import one_year_after
from citizens.models import Citizen
from core.text import fold
from imports.base import (
    CREATE,
    UNIT_CODE,
    Column,
    ImportContext,
    Importer,
    Row,
    bump_sequence,
    validate_fields,
    void_records,
)
from imports.values import ChoiceParser, parse_bool, parse_date, parse_digits, parse_multiline, parse_positive_int

KIND = ChoiceParser(
    CaseKind.choices,
    {
        "KN": CaseKind.COMPLAINT,
        "TC": CaseKind.DENUNCIATION,
        "KN, PA": CaseKind.RECOMMENDATION,
        "kiến nghị": "recommendation",
        "phản ánh": "feedback",
        "khiếu nại": "complaint",
        "tố cáo": "denunciation",
    },
)
CONTENT = ChoiceParser(
    LetterContent.choices,
    {
        "KN": "complaint",
        "TC": "denunciation",
        "khiếu nại": "complaint",
        "tố cáo": "denunciation",
        "kiến nghị": "recommendation",
        "phản ánh": "feedback",
        "nhiều nội dung": "multiple",
    },
)
CHANNEL = ChoiceParser(
    Channel.choices,
    {
        "tiếp công dân": "reception",
        "trực tiếp": "reception",
        "bưu điện": "post",
        "qua bưu điện": "post",
        "bưu chính": "post",
        "cấp trên chuyển": "transferred",
        "chuyển đến": "transferred",
        "trực tuyến": "online",
        "qua mạng": "online",
    },
)
ATTEMPT = ChoiceParser(
    Attempt.choices,
    {"1": "first", "2": "second", "lần 1": "first", "lần 2": "second", "lần đầu": "first", "lần hai": "second"},
)
COMPLEXITY = ChoiceParser(
    Complexity.choices, {"bình thường": "normal", "phức tạp": "complex", "rất phức tạp": "very_complex"}
)
STATUS = ChoiceParser(
    CaseStatus.choices,
    {
        "đã thụ lý": "accepted",
        "thụ lý": "accepted",
        "đang xác minh": "verifying",
        "đã kết luận": "concluded",
        "đã giải quyết": "concluded",
        "đã kết thúc": "closed",
        "kết thúc": "closed",
        "mới nhận": "received",
    },
)
OUTCOME = ChoiceParser(
    Outcome.choices,
    {
        "đúng": "right",
        "sai": "wrong",
        "đúng một phần": "partly_right",
        "có đúng có sai": "partly_right",
        "rút đơn": "withdrawn",
    },
)
DISPOSITION = ChoiceParser(
    LetterDisposition.choices,
    {
        "thụ lý": "case",
        "hướng dẫn": "guided",
        "chuyển đơn": "transferred",
        "đôn đốc": "urged",
        "lưu đơn": "archived",
        "lưu": "archived",
    },
)
ARCHIVE_REASON = ChoiceParser(
    ArchiveReason.choices,
    {"nặc danh": "anonymous", "trùng lặp": "duplicate", "trùng": "duplicate", "đã giải quyết": "finally_resolved"},
)

# Statuses reached only by accepting the case (thụ lý), concluding it, closing it.
AFTER_ACCEPTANCE = {
    CaseStatus.ACCEPTED,
    CaseStatus.VERIFYING,
    CaseStatus.DIALOGUE,
    CaseStatus.CONCLUDED,
    CaseStatus.IMPLEMENTED,
}
CONCLUDED = {CaseStatus.CONCLUDED, CaseStatus.IMPLEMENTED}


class Lookups:
    """Case fields by name or code, and users by username or name, fetched once per import."""

    def __init__(self):
        self.fields = {}
        for case_field in CaseField.objects.all():
            self.fields[fold(case_field.name)] = case_field
            self.fields[fold(case_field.code)] = case_field
        self._users: dict[str, list[User]] | None = None

    def field(self, row: Row, column: str) -> CaseField | None:
        name = row.values.get(column)
        if not name:
            return None
        found = self.fields.get(fold(name))
        if found is None:
            row.error(column, _("“{value}” is not a field in the list of fields.").format(value=name))
        return found

    def user(self, row: Row, column: str, unit_id: int) -> User | None:
        """A handler by username or full name; they must be able to change the unit's records (case_assign)."""
        name = row.values.get(column)
        if not name:
            return None
        if self._users is None:
            self._users = defaultdict(list)
            for user in User.objects.filter(is_active=True):
                self._users[user.username.lower()].append(user)
                if user.full_name:
                    self._users[fold(user.full_name)].append(user)
        matches = self._users.get(name.lower()) or self._users.get(fold(name)) or []
        if len(matches) != 1:
            row.error(
                column,
                _("No single user is called “{value}”; write the user name.").format(value=name)
                if matches
                else _("No user is called “{value}”.").format(value=name),
            )
            return None
        if not has_right(matches[0], Action.CHANGE, unit_id):
            row.error(column, _("This person cannot handle cases of this unit."))
            return None
        return matches[0]


def citizens_by_id(rows: list[Row], column: str) -> dict[tuple[int, str], Citizen]:
    unit_ids = {row.resolved_unit.pk for row in rows if row.unit}
    numbers = {row.values[column] for row in rows if row.values.get(column)}
    return {
        (citizen.unit_id, citizen.national_id): citizen
        for citizen in Citizen.objects.filter(unit_id__in=unit_ids, national_id__in=numbers)
    }


def _citizen(row: Row, column: str, citizens: dict) -> Citizen | None:
    national_id = row.values.get(column)
    if not national_id:
        return None
    citizen = citizens.get((row.resolved_unit.pk, national_id))
    if citizen is None:
        row.error(
            column,
            _("{unit} has no citizen with this identity number; import the citizens first.").format(unit=row.unit),
        )
    return citizen


def _today() -> date:
    return timezone.localdate()


# Cases ---------------------------------------------------------------------------------------------------------


def import_note(context: ImportContext, row: Row) -> str:
    return _("Imported from a spreadsheet (import {number}, row {row}).").format(
        number=context.batch_id, row=row.number
    )


class CaseImporter(Importer):
    kind = "cases"
    label = gettext_lazy("Cases (register of cases)")
    description = gettext_lazy(
        "One row per case. A case already in the unit with the same number is updated (its particulars only: "
        "its status and dates change through its workflow); the complainant is found by identity number among the "
        "unit's citizens."
    )
    model = Case
    columns = [
        Column(
            "number",
            gettext_lazy("Case number"),
            required=True,
            aliases=("số vụ việc", "số", "số hồ sơ", "số vv"),
            example="15/2024",
        ),
        UNIT_CODE,
        Column(
            "received_on",
            gettext_lazy("Received on"),
            parse_date,
            True,
            ("ngày nhận", "ngày tiếp nhận", "ngày nhận đơn"),
            "05/03/2024",
            gettext_lazy("dd/mm/yyyy"),
        ),
        Column(
            "kind",
            gettext_lazy("Kind of case"),
            KIND,
            True,
            ("loại", "loại vụ việc", "loại đơn", "phân loại"),
            "Khiếu nại",
        ),
        Column("field", gettext_lazy("Field"), required=True, aliases=("lĩnh vực",), example="Đất đai"),
        Column(
            "channel",
            gettext_lazy("Channel"),
            CHANNEL,
            True,
            ("nguồn", "nguồn đơn", "kênh", "hình thức nhận"),
            "Tiếp công dân",
        ),
        Column(
            "summary",
            gettext_lazy("Summary"),
            parse_multiline,
            True,
            ("nội dung", "tóm tắt nội dung", "nội dung vụ việc", "nội dung đơn"),
            "Khiếu nại quyết định thu hồi đất nông nghiệp",
        ),
        Column("people_count", gettext_lazy("Number of people"), parse_positive_int, aliases=("số người",), example=1),
        Column(
            "complainant_id",
            gettext_lazy("Identity number of the complainant / denouncer"),
            parse_digits,
            aliases=("cccd", "số cccd", "cccd người khiếu nại", "cccd người kn/tc", "số định danh"),
            example="001090000123",
        ),
        Column(
            "other_complainants",
            gettext_lazy("Other complainants / denouncers"),
            parse_multiline,
            aliases=("người khiếu nại khác",),
        ),
        Column(
            "respondent",
            gettext_lazy("Person or body complained about"),
            aliases=("người bị khiếu nại", "người bị kn/tc", "đối tượng bị khiếu nại, tố cáo"),
            example="UBND phường",
        ),
        Column(
            "attempt",
            gettext_lazy("First or second time"),
            ATTEMPT,
            aliases=("lần", "lần khiếu nại"),
            example="Lần đầu",
        ),
        Column("complexity", gettext_lazy("Complexity"), COMPLEXITY, aliases=("mức độ phức tạp", "tính chất")),
        Column(
            "is_remote_area",
            gettext_lazy("Remote, difficult area"),
            parse_bool,
            aliases=("vùng khó khăn",),
            example="không",
        ),
        Column(
            "handler",
            gettext_lazy("Handler"),
            aliases=("cán bộ xử lý", "cán bộ thụ lý", "người xử lý"),
            hint=gettext_lazy("User name (or full name) of the official handling the case."),
        ),
        Column(
            "status", gettext_lazy("Status"), STATUS, aliases=("tình trạng", "trạng thái xử lý"), example="Đã thụ lý"
        ),
        Column("accepted_on", gettext_lazy("Accepted on"), parse_date, aliases=("ngày thụ lý",), example="12/03/2024"),
        Column("concluded_on", gettext_lazy("Concluded on"), parse_date, aliases=("ngày kết luận", "ngày giải quyết")),
        Column("outcome", gettext_lazy("Outcome"), OUTCOME, aliases=("kết quả", "kết quả giải quyết")),
        Column("closed_on", gettext_lazy("Closed on"), parse_date, aliases=("ngày kết thúc", "ngày đóng")),
        Column("is_over_level", gettext_lazy("Over-level"), parse_bool, aliases=("vượt cấp",)),
        Column("is_hot_spot", gettext_lazy("Hot spot"), parse_bool, aliases=("điểm nóng",)),
        Column("is_focus", gettext_lazy("Focus list"), parse_bool, aliases=("trọng điểm", "danh sách trọng điểm")),
    ]
    sample_keys = ["number", "unit_code", "received_on", "kind", "field", "status"]
    field_columns = {"complainant": "complainant_id"}
    # What an import may change on a case already in the register; the rest changes through the workflow.
    PARTICULARS = (
        "summary",
        "people_count",
        "complainant",
        "other_complainants",
        "respondent",
        "field",
        "complexity",
        "is_remote_area",
        "handler",
    )
    FIXED = (
        "kind",
        "channel",
        "received_on",
        "attempt",
        "status",
        "accepted_on",
        "concluded_on",
        "outcome",
        "closed_on",
    )
    FLAGS = {
        "is_over_level": Designation.OVER_LEVEL,
        "is_hot_spot": Designation.HOT_SPOT,
        "is_focus": Designation.FOCUS,
    }
    void_note = gettext_lazy("The cases it created are voided (kept, marked void with the reason, in their timeline).")

    def check(self, rows: list[Row], context: ImportContext) -> None:
        lookups = Lookups()
        for row in rows:
            if row.ok:
                row.unit = context.resolve_unit(row)
        rows = [row for row in rows if row.ok]
        citizens = citizens_by_id(rows, "complainant_id")
        existing = {
            (case.unit_id, case.number): case
            for case in Case.objects.filter(
                unit_id__in={row.resolved_unit.pk for row in rows}, number__in={row.values["number"] for row in rows}
            )
        }
        self.mark_duplicates(rows, lambda row: (row.resolved_unit.pk, row.values["number"]), "number")
        today = _today()
        for row in (row for row in rows if row.ok):
            v = row.values
            case_field = lookups.field(row, "field")
            complainant = _citizen(row, "complainant_id", citizens)
            handler = lookups.user(row, "handler", row.resolved_unit.pk)
            status = v["status"] or CaseStatus.RECEIVED
            wanted = {
                "kind": v["kind"],
                "field": case_field,
                "channel": v["channel"],
                "received_on": v["received_on"],
                "summary": v["summary"],
                "people_count": v["people_count"] or 1,
                "complainant": complainant,
                "other_complainants": v["other_complainants"],
                "respondent": v["respondent"],
                "attempt": v["attempt"] or Attempt.FIRST,
                "complexity": v["complexity"] or Complexity.NORMAL,
                "is_remote_area": bool(v["is_remote_area"]),
                "handler": handler,
                "status": status,
                "accepted_on": v["accepted_on"],
                "concluded_on": v["concluded_on"],
                "outcome": v["outcome"] or "",
                "closed_on": v["closed_on"],
            }
            self._check_dates(row, wanted, today)
            if not row.ok:
                continue
            case = existing.get((row.resolved_unit.pk, v["number"]))
            if case is None:
                case = Case(unit=row.unit, number=v["number"], created_by=context.user, **wanted)
                validate_fields(case, row, {name: name for name in wanted} | {"complainant": "complainant_id"})
                row.action, row.data = CREATE, {"case": case}
                continue
            if case.is_void:
                row.error(
                    "number",
                    _("Case {number} of this unit was voided; its number cannot be used again.").format(
                        number=case.number
                    ),
                )
                continue
            for name in self.FIXED:
                if getattr(case, name) != wanted[name]:
                    row.error(
                        name,
                        _(
                            "Case {number} is already in the register with another value here; it changes on "
                            "the case's page, not by import."
                        ).format(number=case.number),
                    )
            for key, designation in self.FLAGS.items():
                if bool(v[key]) != getattr(case, DESIGNATION_FIELDS[designation]):
                    row.error(key, _("Flags of a case already in the register are designated on its page."))
            if row.ok:
                row.existing = case
                self.compare(row, case, {name: wanted[name] for name in self.PARTICULARS})

    @staticmethod
    def _check_dates(row: Row, wanted: dict, today: date) -> None:
        """The dates and status as the workflow would have produced them (cases.services.case_transition)."""
        status, received = wanted["status"], wanted["received_on"]
        accepted, concluded, closed = wanted["accepted_on"], wanted["concluded_on"], wanted["closed_on"]
        if received and received > today:
            row.error("received_on", _("The date of receipt cannot be in the future."))
        if status in AFTER_ACCEPTANCE and not accepted:
            row.error(
                "accepted_on",
                _("A case that is “{status}” has a date of acceptance.").format(status=CaseStatus(status).label),
            )
        if (
            status
            in (
                CaseStatus.RECEIVED,
                CaseStatus.CLASSIFIED,
                CaseStatus.NOT_ACCEPTED,
                CaseStatus.TRANSFERRED,
                CaseStatus.ARCHIVED,
            )
            and accepted
        ):
            row.error(
                "accepted_on",
                _("A case that is “{status}” has not been accepted.").format(status=CaseStatus(status).label),
            )
        if status in CONCLUDED or (status == CaseStatus.CLOSED and accepted):
            if not concluded:
                row.error("concluded_on", _("A concluded case has the date of its conclusion."))
            if not wanted["outcome"]:
                row.error("outcome", _("Choose the outcome of the case."))
        elif wanted["outcome"] or concluded:
            row.error(
                "outcome" if wanted["outcome"] else "concluded_on",
                _("Only a concluded case has an outcome and a date of conclusion."),
            )
        if status == CaseStatus.CLOSED and not closed:
            row.error("closed_on", _("A closed case has the date it was closed."))
        elif status != CaseStatus.CLOSED and closed:
            row.error("closed_on", _("Only a closed case has a closing date."))
        previous = ("received_on", received)
        for key, day in (("accepted_on", accepted), ("concluded_on", concluded), ("closed_on", closed)):
            if day is None:
                continue
            if previous[1] and day < previous[1]:
                row.error(
                    key,
                    _("This date comes before the “{column}” date.").format(column=CaseImporter().heading(previous[0])),
                )
            elif day > today:
                row.error(key, _("This date cannot be in the future."))
            previous = (key, day)

    def write(self, rows: list[Row], context: ImportContext) -> list:
        user, written = context.user, []
        creates = [row for row in rows if row.action == CREATE]
        planner = DeadlinePlanner()
        cases, deadlines = [], {}
        for row in creates:
            case = row.data["case"]
            case.refresh_identity_text()
            case.refresh_search_text()  # bulk_create does not call save()
            for key, designation in self.FLAGS.items():
                setattr(case, DESIGNATION_FIELDS[designation], bool(row.values[key]))
            planned = planner.plan_past(case)
            case.due_on = current_due_on(planned)
            deadlines[id(case)] = planned
            cases.append(case)
        bulk_create_with_history(cases, Case, batch_size=1000, default_user=user)
        events, deadline_rows, designations = [], [], []
        for row, case in zip(creates, cases, strict=True):
            note = import_note(context, row)
            events.append(CaseEvent(case=case, user=user, kind=EventKind.CREATED, to_status=case.status, note=note))
            for deadline in deadlines[id(case)]:
                deadline_rows.append(CaseDeadline(case=case, **deadline._asdict()))
                events.append(CaseEvent(case=case, user=user, kind=EventKind.DEADLINE, note=deadline_note(deadline)))
            for key, designation in self.FLAGS.items():
                if row.values[key]:
                    designations.append(
                        CaseDesignation(
                            case=case,
                            kind=designation,
                            designated_by=user,
                            reason=_(
                                "Designated before the register was imported; recorded from it (import {number}, row "
                                "{row})."
                            ).format(number=context.batch_id, row=row.number),
                        )
                    )
            written.append((case, CREATE, row.number))
        CaseDeadline.objects.bulk_create(deadline_rows, batch_size=2000)
        CaseDesignation.objects.bulk_create(designations, batch_size=2000)
        for row in rows:
            if row.action != CREATE:
                case = row.existing
                for name, value in row.changes.items():
                    setattr(case, name, value)
                case.refresh_identity_text()
                case._history_user = user
                case.save()
                labels = ", ".join(self.change_labels(row))
                events.append(
                    CaseEvent(case=case, user=user, kind=EventKind.NOTE, note=f"{import_note(context, row)} {labels}")
                )
                written.append((case, row.action, row.number))
        CaseEvent.objects.bulk_create(events, batch_size=2000)
        bump_sequence(register="case", numbers=[(case.unit_id, case.number) for case in cases])
        return written

    def void(self, records: dict, *, user, reason: str) -> int:
        voided = void_records(Case, records.get(Case, []), user=user, reason=reason)
        CaseEvent.objects.bulk_create(
            [CaseEvent(case=case, user=user, kind=EventKind.VOIDED, note=reason) for case in voided], batch_size=2000
        )
        return len(voided)


# Letters -------------------------------------------------------------------------------------------------------


class LetterImporter(Importer):
    kind = "letters"
    label = gettext_lazy("Letters (register of letters)")
    description = gettext_lazy(
        "One row per letter, with its classification and handling if already decided. A letter that became a case "
        "names the case's number (import the cases first); the sender is found by identity number."
    )
    model = Letter
    columns = [
        Column(
            "number",
            gettext_lazy("Register number"),
            required=True,
            aliases=("số đơn", "số", "số vào sổ"),
            example="27/2024",
        ),
        UNIT_CODE,
        Column(
            "received_on", gettext_lazy("Received on"), parse_date, True, ("ngày nhận", "ngày nhận đơn"), "04/03/2024"
        ),
        Column("channel", gettext_lazy("Channel"), CHANNEL, True, ("nguồn", "nguồn đơn", "kênh"), "Bưu điện"),
        Column(
            "sender_id",
            gettext_lazy("Identity number of the sender"),
            parse_digits,
            aliases=("cccd", "số cccd", "cccd người gửi"),
            example="001090000123",
        ),
        Column(
            "is_anonymous", gettext_lazy("Anonymous"), parse_bool, aliases=("nặc danh", "đơn nặc danh"), example="không"
        ),
        Column(
            "signers_count", gettext_lazy("Number of signers"), parse_positive_int, aliases=("số người ký",), example=1
        ),
        Column("transferred_from", gettext_lazy("Transferred from"), aliases=("nơi chuyển đến", "cơ quan chuyển")),
        Column("title", gettext_lazy("Title as written"), aliases=("tiêu đề", "tên đơn"), example="Đơn khiếu nại"),
        Column(
            "summary",
            gettext_lazy("Content"),
            parse_multiline,
            True,
            ("nội dung", "tóm tắt nội dung", "nội dung đơn"),
            "Khiếu nại việc bồi thường khi thu hồi đất",
        ),
        Column(
            "content",
            gettext_lazy("Classification by content"),
            CONTENT,
            aliases=("phân loại", "loại đơn"),
            example="Khiếu nại",
        ),
        Column("field", gettext_lazy("Field"), aliases=("lĩnh vực",), example="Đất đai"),
        Column(
            "is_processable", gettext_lazy("Processable"), parse_bool, aliases=("đủ điều kiện xử lý",), example="có"
        ),
        Column("missing_element", gettext_lazy("What makes it unprocessable"), aliases=("lý do không đủ điều kiện",)),
        Column(
            "within_competence",
            gettext_lazy("Within the unit's competence"),
            parse_bool,
            aliases=("thuộc thẩm quyền",),
            example="có",
        ),
        Column(
            "disposition",
            gettext_lazy("Handling"),
            DISPOSITION,
            aliases=("hướng xử lý", "kết quả xử lý đơn"),
            example="Thụ lý",
        ),
        Column("disposed_on", gettext_lazy("Handled on"), parse_date, aliases=("ngày xử lý",), example="08/03/2024"),
        Column("competent_body", gettext_lazy("Competent body"), aliases=("cơ quan có thẩm quyền",)),
        Column("archive_reason", gettext_lazy("Reason for archiving"), ARCHIVE_REASON, aliases=("lý do lưu đơn",)),
        Column("case_number", gettext_lazy("Case number"), aliases=("số vụ việc",), example="15/2024"),
    ]
    sample_keys = ["number", "unit_code", "received_on", "channel", "content", "disposition"]
    field_columns = {"sender": "sender_id", "case": "case_number"}
    void_note = gettext_lazy("The letters it created are voided (kept, marked void with the reason).")

    def check(self, rows: list[Row], context: ImportContext) -> None:
        lookups = Lookups()
        for row in rows:
            if row.ok:
                row.unit = context.resolve_unit(row)
        rows = [row for row in rows if row.ok]
        unit_ids = {row.resolved_unit.pk for row in rows}
        citizens = citizens_by_id(rows, "sender_id")
        existing = {
            (letter.unit_id, letter.number): letter
            for letter in Letter.objects.filter(
                unit_id__in=unit_ids, number__in={row.values["number"] for row in rows}
            ).select_related("case")
        }
        cases = {
            (case.unit_id, case.number): case
            for case in Case.objects.filter(
                unit_id__in=unit_ids,
                number__in={row.values["case_number"] for row in rows if row.values["case_number"]},
            )
        }
        self.mark_duplicates(rows, lambda row: (row.resolved_unit.pk, row.values["number"]), "number")
        today = _today()
        for row in (row for row in rows if row.ok):
            v = row.values
            sender = _citizen(row, "sender_id", citizens)
            case_field = lookups.field(row, "field")
            case = None
            if v["case_number"]:
                case = cases.get((row.resolved_unit.pk, v["case_number"]))
                if case is None or case.is_void:
                    row.error(
                        "case_number",
                        _("{unit} has no case with this number; import the cases first.").format(unit=row.unit),
                    )
            wanted = {
                "received_on": v["received_on"],
                "channel": v["channel"],
                "sender": sender,
                "is_anonymous": bool(v["is_anonymous"]),
                "signers_count": v["signers_count"] or 1,
                "transferred_from": v["transferred_from"],
                "title": v["title"],
                "summary": v["summary"],
                "content": v["content"] or "",
                "field": case_field,
                "is_processable": v["is_processable"],
                "missing_element": v["missing_element"],
                "within_competence": v["within_competence"],
                "disposition": v["disposition"] or "",
                "disposed_on": v["disposed_on"],
                "competent_body": v["competent_body"],
                "archive_reason": v["archive_reason"] or "",
                "retain_until": one_year_after(v["disposed_on"])
                if v["disposition"] == LetterDisposition.ARCHIVED and v["disposed_on"]
                else None,
                "case": case,
            }
            self._check_rules(row, wanted, today)
            if not row.ok:
                continue
            letter = existing.get((row.resolved_unit.pk, v["number"]))
            if letter is None:
                letter = Letter(unit=row.unit, number=v["number"], created_by=context.user, **wanted)
                validate_fields(letter, row, {name: name for name in wanted} | self.field_columns)
                row.action, row.data = CREATE, {"letter": letter}
            elif letter.is_void:
                row.error(
                    "number",
                    _("Letter {number} of this unit was voided; its number cannot be used again.").format(
                        number=letter.number
                    ),
                )
            elif letter.disposition and letter.disposition != wanted["disposition"]:
                row.error("disposition", _("This letter has already been handled."))
            elif self._unprotects(letter, wanted) and not may_see_identity(context.user, letter.unit_id):
                row.error("content", str(UNPROTECTING_REFUSED))
            else:
                row.existing = letter
                self.compare(row, letter, wanted)

    @staticmethod
    def _unprotects(letter: Letter, wanted: dict) -> bool:
        """Whether the import would take a protected letter out of protection (classify a letter not yet
        classified, or a denunciation, as something else): the rule of cases.services.letter_classify."""
        case = wanted["case"]
        stays = wanted["content"] in CONFIDENTIAL_CONTENTS or (case is not None and case.is_confidential)
        return letter.is_confidential and not stays

    @staticmethod
    def _check_rules(row: Row, wanted: dict, today: date) -> None:
        """The rules of cases.services.letter_receive, letter_classify and letter_dispose."""
        disposition = wanted["disposition"]
        if wanted["received_on"] and wanted["received_on"] > today:
            row.error("received_on", _("The date of receipt cannot be in the future."))
        if not wanted["sender"] and not wanted["is_anonymous"] and not row.values["sender_id"]:
            row.error("sender_id", _("Choose the sender, or mark the letter anonymous."))
        if wanted["is_processable"] is False and not wanted["missing_element"]:
            row.error("missing_element", _("Say what makes the letter unprocessable."))
        if wanted["content"] and wanted["field"] is None and not row.values["field"]:
            row.error("field", _("Choose the field of the letter."))
        if not disposition:
            return
        if not wanted["content"]:
            row.error("content", _("Classify the letter by its content first."))
        if (
            disposition in (LetterDisposition.TRANSFERRED, LetterDisposition.URGED, LetterDisposition.GUIDED)
            and not (wanted["competent_body"])
        ):
            row.error("competent_body", _("Name the competent body."))
        if disposition == LetterDisposition.ARCHIVED and not wanted["archive_reason"]:
            row.error("archive_reason", _("Give the reason for archiving."))
        on = wanted["disposed_on"]
        if on is None:
            row.error("disposed_on", _("Give the date the letter was handled."))
        elif wanted["received_on"] and not wanted["received_on"] <= on <= today:
            row.error("disposed_on", _("The date must be between the date of receipt and today."))
        if disposition == LetterDisposition.CASE:
            if wanted["within_competence"] is False:
                row.error("disposition", _("A letter outside the unit's competence is guided, transferred or urged."))
            elif not wanted["is_processable"]:
                row.error(
                    "disposition", _("An unprocessable letter cannot become a case; archive it or guide the sender.")
                )
            elif wanted["is_anonymous"] and wanted["content"] != LetterContent.DENUNCIATION:
                row.error(
                    "disposition",
                    _("Anonymous letters are archived, except a denunciation with concrete, verifiable content."),
                )
            if not row.values["case_number"]:
                row.error("case_number", _("Give the number of the case the letter became; import the cases first."))
        elif row.values["case_number"]:
            row.error("case_number", _("Only a letter handled as a case names a case."))

    def write(self, rows: list[Row], context: ImportContext) -> list:
        user, written = context.user, []
        creates = [row for row in rows if row.action == CREATE]
        letters = []
        planner = DeadlinePlanner()  # the processing deadline of each letter, as registration sets it
        for row in creates:
            letter = row.data["letter"]
            letter.refresh_search_text()  # bulk_create does not call save()
            letter.due_on = letter_due_on(letter.received_on, planner=planner)
            letters.append(letter)
        bulk_create_with_history(letters, Letter, batch_size=1000, default_user=user)
        written += [(letter, CREATE, row.number) for row, letter in zip(creates, letters, strict=True)]
        unprotected = []
        for row in rows:
            if row.action != CREATE:
                letter = row.existing
                was_protected = letter.is_confidential
                for name, value in row.changes.items():
                    setattr(letter, name, value)
                if "received_on" in row.changes or letter.due_on is None:
                    letter.due_on = letter_due_on(letter.received_on, planner=planner)
                if was_protected and not letter.is_confidential:
                    unprotected.append(letter)  # allowed by check() only to those who may see the sender
                letter._history_user = user
                letter.save()
                written.append((letter, row.action, row.number))
        log_identity_views(user=user, records=unprotected, path=context.path)
        bump_sequence(register="letter", numbers=[(letter.unit_id, letter.number) for letter in letters])
        return written

    def void(self, records: dict, *, user, reason: str) -> int:
        return len(void_records(Letter, records.get(Letter, []), user=user, reason=reason))
