"""Generated data at scale, for load tests and for realistic local development (`manage.py generate_data`).

Five years of reception sessions, visits, letters and cases in Hanoi's communes: today's 126 communes/wards
from 1 Jul 2025, and before that the former communes they were formed from (picked through UnitSuccession), so
both eras look as they would in a real register. Distributions follow what the committees report: complaints
about 45 %, denunciations 10 %, recommendations and feedback 45 %; land and site clearance about half of all
cases; most older cases closed, recent ones open; a few mass, hot-spot, focus-list and over-level cases.

Rows are written with PostgreSQL COPY (plain INSERTs on SQLite, allowed for the small scales), with ids taken
from the tables' sequences beforehand so foreign keys are written directly. Generated rows are recognisable and
removable: sessions, visits, letters and cases are created by the inactive user "datagen" and numbered "G…";
citizens are those the generated rows refer to. No django-simple-history rows are written for them: history is
the audit trail of real work, and millions of "created" entries would only double the load.

Grassroots party organizations, their ratings and weak-organization dossiers are the phase in
devtools/datagen_weak.py. Each kind of record is a phase of `Generator.phases()` that adds rows to the loader; a new
model adds a phase, its table to `_tables` and its rows to `delete_generated`.
"""

from __future__ import annotations

import csv
import io
import random
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.models import User
from cases.choices import (
    OPEN_STATUSES,
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
from cases.deadlines import AWAITING_INTAKE, CaseFacts, DeadlinePlanner, current_due_on, letter_due_on
from cases.models import (
    Case,
    CaseDeadline,
    CaseDesignation,
    CaseEvent,
    CaseField,
    DeadlineExtension,
    Letter,
)
from cases.services import one_year_after
from citizens.choices import HeadPosition, SessionKind, SessionMode, SessionStatus, VisitOutcome
from citizens.delegations import is_mass, mass_q
from citizens.models import Citizen, Dialogue, ReceptionSession, Visit
from citizens.services import ONLINE_RECEPTION_FROM
from core.text import fold
from devtools import datagen_weak, fake
from devtools.demo import DEMO_WARD_CODES
from organizations.choices import UnitKind
from organizations.models import Unit, UnitSuccession
from organizations.units_loader import REFORM_START, load_hanoi_units

DATAGEN_USERNAME = "datagen"
NUMBER_PREFIX = "G"


class GenerationError(Exception):
    """The data cannot be generated as asked (wrong database, generated rows already there, units missing)."""


@dataclass(frozen=True)
class Scale:
    cases: int
    sessions: int
    communes: int | None  # today's communes/wards covered; None: all of them
    needs_postgresql: bool = True


SCALES = {
    "tiny": Scale(cases=300, sessions=60, communes=3, needs_postgresql=False),  # for the tests
    "small": Scale(cases=10_000, sessions=2_000, communes=6, needs_postgresql=False),
    "district": Scale(cases=100_000, sessions=20_000, communes=20),
    "city": Scale(cases=1_000_000, sessions=200_000, communes=None),
}

YEARS = 5
SCHEDULED_AHEAD_DAYS = 30  # sessions already on the reception calendar
CHUNK_ROWS = 50_000  # rows per COPY statement (and per block of ids taken from a sequence)
DEFER_INDEXES_FROM = 100_000  # cases; from this size indexes are rebuilt after loading rather than kept up to date

VISIT_SOURCED_SHARE = 1 / 3  # cases opened from a letter handed in at a reception visit
REPEAT_LETTERS_PER_CASE = 0.08  # later letters on the same matter, joined to the case
OTHER_LETTERS_PER_CASE = 0.12  # letters guided, transferred, urged or archived without a case
CITIZEN_REUSE = 0.25  # chance that a record's person is one already known to the commune
REPEATER_SHARE = 0.15  # share of new citizens who will come back
SECOND_TIME_SHARE = 0.04  # complaints brought a second time after the first decision

KIND_WEIGHTS: dict[str, int] = {
    CaseKind.COMPLAINT: 45,
    CaseKind.DENUNCIATION: 10,
    CaseKind.RECOMMENDATION: 25,
    CaseKind.FEEDBACK: 20,
}
# Land and site clearance bring about half of all cases; denunciations lean to corruption and party members.
FIELD_WEIGHTS = {
    "dat-dai": 30,
    "giai-phong-mat-bang": 20,
    "dat-nong-nghiep": 5,
    "trat-tu-xay-dung": 10,
    "nha-o": 7,
    "che-do-chinh-sach": 9,
    "tu-phap": 6,
    "tham-nhung": 3,
    "dang-vien": 2,
    "khac": 8,
}
DENUNCIATION_FIELD_WEIGHTS = {
    "dat-dai": 22,
    "giai-phong-mat-bang": 12,
    "trat-tu-xay-dung": 14,
    "tham-nhung": 22,
    "dang-vien": 15,
    "che-do-chinh-sach": 5,
    "khac": 10,
}
# Number of people on one matter: mostly one; about 4 % reach the mass threshold of 5.
PEOPLE_WEIGHTS = {1: 880, 2: 40, 3: 25, 4: 15, 5: 8, 6: 6, 7: 4, 8: 3, 10: 3, 12: 2, 15: 5, 20: 4, 30: 2, 50: 1}
COMPLEXITY_WEIGHTS = {Complexity.NORMAL: 80, Complexity.COMPLEX: 15, Complexity.VERY_COMPLEX: 5}
OUTCOME_WEIGHTS = {
    Outcome.WRONG: 40,
    Outcome.PARTLY_RIGHT: 22,
    Outcome.RIGHT: 15,
    Outcome.WITHDRAWN: 14,
    Outcome.TERMINATED: 6,
    Outcome.SUSPENDED: 3,
}
S = CaseStatus
# Status by age in days: recent cases are still being handled, older ones mostly closed; a small backlog of old
# cases stays open (these, and recent ones past their intake deadline, make about 3 % of cases overdue).
STATUS_BY_AGE: list[tuple[int | None, dict[str, float]]] = [  # the last bound is None: any older age
    (10, {S.RECEIVED: 45, S.CLASSIFIED: 30, S.ACCEPTED: 20, S.TRANSFERRED: 3, S.ARCHIVED: 2}),
    (
        60,
        {
            S.RECEIVED: 3,
            S.CLASSIFIED: 7,
            S.ACCEPTED: 35,
            S.VERIFYING: 25,
            S.DIALOGUE: 4,
            S.NOT_ACCEPTED: 5,
            S.TRANSFERRED: 6,
            S.ARCHIVED: 3,
            S.CONCLUDED: 12,
        },
    ),
    (
        180,
        {
            S.ACCEPTED: 8,
            S.VERIFYING: 10,
            S.DIALOGUE: 2,
            S.NOT_ACCEPTED: 5,
            S.TRANSFERRED: 6,
            S.ARCHIVED: 4,
            S.CONCLUDED: 20,
            S.IMPLEMENTED: 13,
            S.CLOSED: 32,
        },
    ),
    (
        None,
        {
            S.RECEIVED: 0.2,
            S.CLASSIFIED: 0.3,
            S.ACCEPTED: 1.0,
            S.VERIFYING: 1.2,
            S.DIALOGUE: 0.3,
            S.NOT_ACCEPTED: 2.5,
            S.TRANSFERRED: 4.5,
            S.ARCHIVED: 3,
            S.CONCLUDED: 2,
            S.IMPLEMENTED: 2,
            S.CLOSED: 83,
        },
    ),
]
ACCEPT_PATH = frozenset({S.ACCEPTED, S.VERIFYING, S.DIALOGUE, S.CONCLUDED, S.IMPLEMENTED})
CONCLUDED = frozenset({S.CONCLUDED, S.IMPLEMENTED})
RESOLVE_OPEN = frozenset({S.ACCEPTED, S.VERIFYING, S.DIALOGUE})
SESSION_KIND_WEIGHTS = {
    SessionKind.REGULAR: 55,
    SessionKind.PERIODIC: 35,
    SessionKind.AD_HOC: 7,
    SessionKind.DIALOGUE: 3,
}
VISITS_PER_SESSION = [0, 1, 1, 2, 2, 3, 3, 4, 5, 6]
OTHER_VISIT_OUTCOMES = {VisitOutcome.GUIDED: 75, VisitOutcome.TRANSFERRED: 18, VisitOutcome.REFUSED: 7}
LETTER_CHANNELS = {Channel.POST: 50, Channel.ONLINE: 25, Channel.TRANSFERRED: 25}
OTHER_DISPOSITIONS = {
    LetterDisposition.GUIDED: 35,
    LetterDisposition.TRANSFERRED: 30,
    LetterDisposition.URGED: 5,
    LetterDisposition.ARCHIVED: 15,
}
ARCHIVE_REASONS = {ArchiveReason.DUPLICATE: 50, ArchiveReason.FINALLY_RESOLVED: 30, ArchiveReason.NOT_PROCESSABLE: 20}

# What people bring, by field and kind; a summary is one of these plus where it happened.
MATTERS: dict[str, dict[str, list[str]]] = {
    "dat-dai": {
        CaseKind.COMPLAINT: [
            "Khiếu nại quyết định giải quyết tranh chấp đất đai với hộ liền kề",
            "Khiếu nại việc từ chối cấp Giấy chứng nhận quyền sử dụng đất",
            "Khiếu nại việc chỉnh lý biến động đất đai không đúng hiện trạng",
        ],
        CaseKind.DENUNCIATION: [
            "Tố cáo cán bộ địa chính làm sai lệch hồ sơ địa chính",
            "Tố cáo việc giao đất trái thẩm quyền",
        ],
        CaseKind.RECOMMENDATION: [
            "Đề nghị cấp Giấy chứng nhận quyền sử dụng đất cho thửa đất sử dụng ổn định từ năm 1993",
            "Kiến nghị đo đạc lại ranh giới thửa đất với hộ liền kề",
        ],
        CaseKind.FEEDBACK: ["Phản ánh việc lấn chiếm đất công", "Phản ánh việc chuyển nhượng đất đai trái phép"],
    },
    "giai-phong-mat-bang": {
        CaseKind.COMPLAINT: [
            "Khiếu nại mức bồi thường, hỗ trợ khi thu hồi đất thực hiện dự án mở rộng đường",
            "Khiếu nại phương án bố trí tái định cư",
        ],
        CaseKind.DENUNCIATION: [
            "Tố cáo việc lập khống hồ sơ bồi thường, hỗ trợ",
            "Tố cáo cán bộ giải phóng mặt bằng nhận tiền của hộ dân",
        ],
        CaseKind.RECOMMENDATION: [
            "Đề nghị bố trí tái định cư cho hộ gia đình bị thu hồi toàn bộ đất ở",
            "Kiến nghị xem xét lại đơn giá bồi thường cây cối, hoa màu",
        ],
        CaseKind.FEEDBACK: [
            "Phản ánh việc chậm chi trả tiền bồi thường, hỗ trợ",
            "Phản ánh việc thi công dự án làm hư hỏng nhà dân",
        ],
    },
    "dat-nong-nghiep": {
        CaseKind.COMPLAINT: ["Khiếu nại việc thu hồi đất nông nghiệp được giao theo Nghị định 64/CP"],
        CaseKind.DENUNCIATION: ["Tố cáo việc cho thuê đất công ích trái quy định"],
        CaseKind.RECOMMENDATION: ["Kiến nghị cho phép chuyển đổi cơ cấu cây trồng trên đất lúa"],
        CaseKind.FEEDBACK: ["Phản ánh việc san lấp ruộng, xây dựng trên đất nông nghiệp"],
    },
    "trat-tu-xay-dung": {
        CaseKind.COMPLAINT: [
            "Khiếu nại quyết định xử phạt vi phạm hành chính trong hoạt động xây dựng",
            "Khiếu nại quyết định cưỡng chế phá dỡ công trình",
        ],
        CaseKind.DENUNCIATION: ["Tố cáo cán bộ bao che vi phạm trật tự xây dựng"],
        CaseKind.RECOMMENDATION: ["Kiến nghị xử lý công trình xây dựng không phép"],
        CaseKind.FEEDBACK: ["Phản ánh công trình xây dựng sai phép, vượt tầng gây nứt nhà liền kề"],
    },
    "nha-o": {
        CaseKind.COMPLAINT: ["Khiếu nại việc từ chối cấp phép sửa chữa nhà ở"],
        CaseKind.DENUNCIATION: ["Tố cáo việc phân phối nhà tái định cư không công khai"],
        CaseKind.RECOMMENDATION: [
            "Đề nghị giải quyết nhà tập thể xuống cấp, nguy hiểm",
            "Kiến nghị sớm cải tạo chung cư cũ",
        ],
        CaseKind.FEEDBACK: ["Phản ánh việc chiếm dụng diện tích chung của nhà tập thể"],
    },
    "che-do-chinh-sach": {
        CaseKind.COMPLAINT: ["Khiếu nại việc không được hưởng trợ cấp xã hội"],
        CaseKind.DENUNCIATION: ["Tố cáo việc lập hồ sơ khống để hưởng chế độ người có công"],
        CaseKind.RECOMMENDATION: ["Đề nghị xem xét chế độ người có công với cách mạng"],
        CaseKind.FEEDBACK: ["Phản ánh việc chi trả trợ cấp xã hội chậm"],
    },
    "tu-phap": {
        CaseKind.COMPLAINT: ["Khiếu nại việc từ chối chứng thực hợp đồng chuyển nhượng"],
        CaseKind.DENUNCIATION: ["Tố cáo công chức tư pháp - hộ tịch gây phiền hà, sách nhiễu"],
        CaseKind.RECOMMENDATION: ["Đề nghị hướng dẫn thủ tục chứng thực, thừa kế"],
        CaseKind.FEEDBACK: ["Phản ánh việc chậm thi hành án dân sự"],
    },
    "tham-nhung": {
        CaseKind.COMPLAINT: ["Khiếu nại việc không được trả lời kết quả xử lý đơn phản ánh tiêu cực"],
        CaseKind.DENUNCIATION: [
            "Tố cáo cán bộ nhận tiền khi giải quyết hồ sơ đất đai",
            "Tố cáo sai phạm trong quản lý, sử dụng kinh phí xây dựng nhà văn hóa",
        ],
        CaseKind.RECOMMENDATION: ["Kiến nghị công khai thu chi các khoản đóng góp của nhân dân"],
        CaseKind.FEEDBACK: ["Phản ánh dấu hiệu tiêu cực trong đấu thầu công trình hạ tầng"],
    },
    "dang-vien": {
        CaseKind.COMPLAINT: ["Khiếu nại quyết định thi hành kỷ luật đảng viên"],
        CaseKind.DENUNCIATION: [
            "Tố cáo đảng viên vi phạm quy định những điều đảng viên không được làm",
            "Tố cáo đảng viên sử dụng văn bằng không hợp pháp",
        ],
        CaseKind.RECOMMENDATION: ["Kiến nghị xem xét tư cách đảng viên của cán bộ tổ dân phố"],
        CaseKind.FEEDBACK: ["Phản ánh đảng viên không gương mẫu thực hiện quy định nơi cư trú"],
    },
    "khac": {
        CaseKind.COMPLAINT: ["Khiếu nại quyết định xử phạt vi phạm hành chính về bảo vệ môi trường"],
        CaseKind.DENUNCIATION: ["Tố cáo cơ sở kinh doanh gây ô nhiễm môi trường được cán bộ bao che"],
        CaseKind.RECOMMENDATION: ["Kiến nghị sửa chữa hệ thống thoát nước ngõ bị ngập khi mưa"],
        CaseKind.FEEDBACK: [
            "Phản ánh tiếng ồn từ cơ sở kinh doanh karaoke về đêm",
            "Phản ánh ô nhiễm môi trường do tập kết rác thải",
        ],
    },
}
LETTER_TITLES: dict[str, str] = {  # by letter content (and by case kind, which shares its values)
    LetterContent.COMPLAINT: "Đơn khiếu nại",
    LetterContent.DENUNCIATION: "Đơn tố cáo",
    LetterContent.RECOMMENDATION: "Đơn kiến nghị",
    LetterContent.FEEDBACK: "Đơn phản ánh",
    LetterContent.MULTIPLE: "Đơn khiếu nại, tố cáo",
}
STREETS = [
    *fake.STREETS,
    "Nguyễn Trãi",
    "Láng",
    "Giải Phóng",
    "Trường Chinh",
    "Minh Khai",
    "Lạc Long Quân",
    "Hoàng Quốc Việt",
    "Phạm Văn Đồng",
    "Nguyễn Văn Cừ",
    "Ngọc Lâm",
    "Tây Sơn",
    "Xã Đàn",
    "Bạch Mai",
    "Tam Trinh",
    "Quang Trung",
]
VILLAGES = ["Đông", "Đoài", "Thượng", "Hạ", "Trung", "Nam", "Bắc", "Chùa", "Đình", "Mới", "Cầu", "Vườn"]
COMPETENT_BODIES = [
    "Tòa án nhân dân khu vực",
    "Thanh tra Thành phố Hà Nội",
    "Sở Nông nghiệp và Môi trường Hà Nội",
    "Sở Xây dựng Hà Nội",
    "Công an Thành phố Hà Nội",
    "Cơ quan Thi hành án dân sự",
]
TRANSFERRED_FROM = [
    "Ban Tiếp công dân Thành phố Hà Nội",
    "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân Thành phố",
    "Thanh tra Thành phố Hà Nội",
    "Ủy ban Kiểm tra Thành ủy Hà Nội",
]
DENOUNCED_ROLES = ["công chức địa chính - xây dựng", "cán bộ tư pháp - hộ tịch", "Phó Chủ tịch UBND", "cán bộ"]
DESIGNATION_REASONS = {
    Designation.HOT_SPOT: "Nhiều hộ dân tụ tập tại trụ sở, có nguy cơ phát sinh điểm nóng",
    Designation.FOCUS: "Ban Chỉ đạo theo dõi, chỉ đạo giải quyết trực tiếp",
    Designation.OVER_LEVEL: "Công dân gửi đơn, kéo đến nhiều nơi, vượt cấp lên Thành phố và Trung ương",
}

_fold = lru_cache(maxsize=200_000)(fold)


def _weighted(weights: dict) -> tuple[list, list[float]]:
    """Values and cumulative weights, for `rng.choices(values, cum_weights=...)`."""
    return list(weights), list(accumulate(weights.values()))


def _spread(total: int, weights: list[float]) -> list[int]:
    """`total` split in proportion to `weights` into whole numbers that add up to `total` exactly."""
    whole = sum(weights) or 1.0
    counts, running, done = [], 0.0, 0
    for weight in weights:
        running += weight
        upto = min(total, round(total * running / whole))
        counts.append(upto - done)
        done = upto
    counts[-1] += total - done
    return counts


# Loading -------------------------------------------------------------------------------------------------------


@dataclass
class Table:
    """One table being loaded: its rows waiting for the next COPY, ids reserved from its sequence, and totals."""

    model: type[models.Model]
    columns: tuple[str, ...]
    rows: list[tuple] = field(default_factory=list)
    count: int = 0
    seconds: float = 0.0
    _ids: list[int] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.model._meta.db_table


def _table(model: type[models.Model], columns: str) -> Table:
    """A table with the columns the generator fills, checked against the model so a new field is not missed."""
    names = tuple(columns.split())
    expected = {f.column for f in model._meta.concrete_fields if f.column is not None}  # a concrete field has one
    if set(names) != expected:
        raise GenerationError(
            f"{model._meta.label}: the data generator writes {sorted(set(names) - expected)} that the model lacks "
            f"and misses {sorted(expected - set(names))}; update devtools/datagen.py."
        )
    return Table(model=model, columns=names)


def _tables() -> dict[str, Table]:
    """The tables the generator fills, parents first: a flush copies them in this order so every foreign key
    already points at a row."""
    return {
        **datagen_weak.tables(_table),
        "citizens": _table(
            Citizen, "id unit_id full_name national_id phone address residence_id search_text is_anonymised created_at"
        ),
        "sessions": _table(
            ReceptionSession,
            "id unit_id number kind mode status starts_at place head_position head_in_person host_name host_title "
            "officials_present minutes is_void void_reason created_by_id created_at updated_at",
        ),
        "dialogues": _table(
            Dialogue, "id session_id authority_side citizen_side content result attendees_count closed_at"
        ),
        "visits": _table(
            Visit,
            "id session_id citizen_id people_count is_mass_delegation representatives content content_kind field_id "
            "is_repeat outcome transferred_to refusal_reason is_void void_reason created_by_id created_at",
        ),
        "cases": _table(
            Case,
            "id unit_id number kind field_id channel received_on summary people_count complainant_id "
            "other_complainants respondent source_visit_id attempt previous_case_id complexity is_remote_area "
            "handler_id status accepted_on concluded_on closed_on outcome money_returned land_returned "
            "people_disciplined result_notes is_over_level is_hot_spot is_focus due_on merged_into_id is_void "
            "void_reason decision_number decision_signer search_text identity_text created_by_id created_at",
        ),
        "letters": _table(
            Letter,
            "id unit_id number received_on channel source_visit_id sender_id is_anonymous signers_count "
            "transferred_from title summary content field_id is_processable missing_element within_competence "
            "disposition disposed_on competent_body archive_reason retain_until due_on case_id is_void void_reason "
            "search_text created_by_id created_at",
        ),
        "deadlines": _table(CaseDeadline, "id case_id step rule_id counted_from due_on met_on extensions"),
        "events": _table(CaseEvent, "id case_id kind from_status to_status note user_id at"),
        "designations": _table(
            CaseDesignation, "id case_id kind reason designated_by_id designated_at lifted_by_id lifted_at"
        ),
    }


class PostgresSink:
    """COPY in CSV chunks; ids from the tables' own sequences, so the app's later inserts never collide."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self._sequences: dict[str, str] = {}
        self._indexes: list[str] = []

    def begin(self) -> None:
        # Rows are deleted children first and copied parents first (see _tables), so foreign keys can be checked
        # as each statement ends instead of queueing millions of deferred checks until commit.
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")

    def defer_indexes(self, tables: Iterable[Table]) -> None:
        """Drop the plain indexes of `tables` until `finish`: building an index once is several times faster
        than updating it row by row (the trigram indexes above all). Primary keys and unique indexes stay and
        check every row. This runs in the load's transaction, so a failed load puts the indexes back."""
        self.cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisunique",
            [[table.name for table in tables]],
        )
        for name, definition in self.cursor.fetchall():
            self.cursor.execute(f"DROP INDEX {name}")
            self._indexes.append(definition)

    def finish(self) -> None:
        """Rebuild the indexes set aside by `defer_indexes`."""
        for definition in self._indexes:
            self.cursor.execute(definition)
        # Django's foreign keys are DEFERRABLE INITIALLY DEFERRED: give the rest of the transaction that back.
        self.cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def reserve_ids(self, table: str, count: int) -> list[int]:
        if table not in self._sequences:
            self.cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            self._sequences[table] = self.cursor.fetchone()[0]
        self.cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [self._sequences[table], count])
        return [row[0] for row in self.cursor.fetchall()]

    def copy(self, table: Table) -> None:
        buffer = io.StringIO()
        # QUOTE_NOTNULL quotes every value but None, which COPY's CSV format reads as NULL ("" stays empty text).
        csv.writer(buffer, quoting=csv.QUOTE_NOTNULL, lineterminator="\n").writerows(table.rows)
        buffer.seek(0)
        columns = ", ".join(f'"{column}"' for column in table.columns)
        self.cursor.copy_expert(f"COPY {table.name} ({columns}) FROM STDIN WITH (FORMAT csv)", buffer)

    def timestamp(self, day: date, minute: int) -> str:
        return f"{day.isoformat()} {minute // 60:02d}:{minute % 60:02d}:00+07:00"

    def analyze(self, tables: Iterable[Table]) -> None:
        # Outside a transaction, VACUUM as well: it sets the hint bits and the visibility map once, instead of the
        # first queries writing them back page by page (and lets counts use index-only scans). Inside one (tests),
        # ANALYZE alone.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        for table in tables:
            self.cursor.execute(f"{command} {table.name}")


class SqliteSink:
    """Plain multi-row INSERTs, for the small scales on the zero-configuration SQLite database."""

    def __init__(self, cursor) -> None:
        self.cursor = cursor
        self._next: dict[str, int] = {}
        offset = timezone.get_current_timezone().utcoffset(datetime(2025, 1, 1))
        assert offset is not None  # a time zone's offset on a given day
        self._offset = offset

    def begin(self) -> None:
        pass

    def defer_indexes(self, tables: Iterable[Table]) -> None:
        pass

    def finish(self) -> None:
        pass

    def reserve_ids(self, table: str, count: int) -> list[int]:
        if table not in self._next:
            self.cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
            highest = self.cursor.fetchone()[0]
            self.cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = self.cursor.fetchone()
            self._next[table] = max(highest, row[0] if row else 0) + 1
        start = self._next[table]
        self._next[table] = start + count
        return list(range(start, start + count))

    def copy(self, table: Table) -> None:
        placeholders = ", ".join(["%s"] * len(table.columns))
        self.cursor.executemany(
            f"INSERT INTO {table.name} ({', '.join(f'"{c}"' for c in table.columns)}) VALUES ({placeholders})",
            table.rows,
        )

    def timestamp(self, day: date, minute: int) -> str:
        # Django keeps datetimes on SQLite as naive UTC text.
        moment = datetime(day.year, day.month, day.day, minute // 60, minute % 60) - self._offset
        return moment.isoformat(" ")

    def analyze(self, tables: Iterable[Table]) -> None:
        self.cursor.execute("ANALYZE")


class Loader:
    """Collects rows per table and copies them in chunks, parents first."""

    def __init__(self, sink, tables: dict[str, Table]) -> None:
        self.sink = sink
        self.tables = tables

    def new_id(self, table: Table) -> int:
        if not table._ids:
            table._ids = self.sink.reserve_ids(table.name, CHUNK_ROWS)
            table._ids.reverse()
        return table._ids.pop()

    def flush_if_full(self) -> None:
        if any(len(table.rows) >= CHUNK_ROWS for table in self.tables.values()):
            self.flush()

    def flush(self) -> None:
        for table in self.tables.values():
            if table.rows:
                started = time.perf_counter()
                self.sink.copy(table)
                table.seconds += time.perf_counter() - started
                table.count += len(table.rows)
                table.rows = []


# The generator ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A commune (today's or a former one) as records mention it."""

    id: int
    title: str  # as written inside a sentence: "phường Ba Đình"
    tail: str  # as it ends an address: "Phường Phúc Xá, Quận Ba Đình"
    rural: bool


@dataclass
class Family:
    """Today's commune and the former communes it was formed from; records before the reform go to those."""

    current: Place
    former: list[Place]
    repeaters: list[Person] = field(default_factory=list)  # people who will come back
    recent_cases: deque[CaseRef] = field(default_factory=lambda: deque(maxlen=300))  # for later letters
    closed_complaints: deque[CaseRef] = field(default_factory=lambda: deque(maxlen=100))  # for second complaints


def _place(unit: Unit, district: Unit | None) -> Place:
    division = unit.division_type
    title = division + unit.name[len(division) :] if unit.name.lower().startswith(f"{division} ") else unit.name
    return Place(
        id=unit.pk,
        title=title,
        tail=f"{unit.name}, {district.name}" if district else unit.name,
        rural=division == "xã",
    )


def communes(scale: Scale, rng: random.Random) -> list[Family]:
    """Today's communes of the scale (the demo wards first) with the former communes each replaced."""
    current = list(Unit.objects.filter(kind=UnitKind.COMMUNE, valid_to__isnull=True, valid_from=REFORM_START))
    if not current:
        raise GenerationError("No communes: load Hanoi's units first (manage.py load_units).")
    demo = set(DEMO_WARD_CODES.values())
    current.sort(key=lambda u: (u.code not in demo, u.code))
    if scale.communes is not None:
        current = current[:2] + rng.sample(current[2:], min(scale.communes - 2, len(current) - 2))
    former: dict[int, list[Unit]] = {unit.pk: [] for unit in current}
    links = UnitSuccession.objects.filter(successor__in=current).select_related("predecessor__parent")
    for link in links.order_by("predecessor__code"):
        former[link.successor_id].append(link.predecessor)
    return [
        Family(
            current=_place(unit, None),
            former=[
                _place(old, old.parent if old.parent.kind == UnitKind.DISTRICT else None) for old in former[unit.pk]
            ],
        )
        for unit in current
    ]


@dataclass
class Person:
    id: int
    name: str  # folded, for Case.identity_text
    address: str  # folded


@dataclass
class CaseRef:
    """What later letters and second-time complaints need of an earlier case."""

    id: int
    person: Person
    kind: str
    field_id: int
    summary: str
    summary_folded: str
    closed: bool


class Generator:
    """Writes the rows of one run. Everything is generated day by day, oldest first, so register numbers follow
    the dates as they would in a real register."""

    def __init__(self, *, scale: Scale, seed: int, loader: Loader, user: User, log: Callable[[str], None]) -> None:
        self.scale, self.loader, self.user_id, self.log = scale, loader, user.pk, log
        self.rng = rng = random.Random(seed)
        self.t = loader.tables
        self.sink = loader.sink
        self.today = timezone.localdate()
        try:
            self.start = self.today.replace(year=self.today.year - YEARS)
        except ValueError:  # 29 February
            self.start = self.today.replace(year=self.today.year - YEARS, day=28)
        self.families = communes(scale, rng)
        self.family_weights = list(accumulate(rng.lognormvariate(0, 0.5) for _ in self.families))
        self.planner = DeadlinePlanner()
        self._letter_due: dict[date, date | None] = {}
        self.numbers: dict[tuple, int] = {}
        self.national_ids: set[str] = set()
        self.visited: set[int] = set()
        fields = {f.code: f.pk for f in CaseField.objects.filter(code__in=FIELD_WEIGHTS)}
        if len(fields) != len(FIELD_WEIGHTS):
            raise GenerationError("The case fields seeded by migration cases.0003 are missing.")
        self.field_codes = {pk: code for code, pk in fields.items()}
        self.kinds = _weighted(KIND_WEIGHTS)
        self.fields = _weighted({fields[c]: w for c, w in FIELD_WEIGHTS.items()})
        self.denunciation_fields = _weighted({fields[c]: w for c, w in DENUNCIATION_FIELD_WEIGHTS.items()})
        self.people = _weighted(PEOPLE_WEIGHTS)
        self.complexities = _weighted(COMPLEXITY_WEIGHTS)
        self.outcomes = _weighted(OUTCOME_WEIGHTS)
        self.session_kinds = _weighted(SESSION_KIND_WEIGHTS)
        self.other_outcomes = _weighted(OTHER_VISIT_OUTCOMES)
        self.channels = _weighted(LETTER_CHANNELS)
        self.dispositions = _weighted(OTHER_DISPOSITIONS)
        self.archive_reasons = _weighted(ARCHIVE_REASONS)
        self.letter_contents = _weighted({**KIND_WEIGHTS, LetterContent.MULTIPLE: 5})
        self.statuses = [(limit, *_weighted(weights)) for limit, weights in STATUS_BY_AGE]
        # Records run up to yesterday, so nothing is dated later in the day than the run; today's sessions and
        # the next weeks' are on the calendar as scheduled.
        self.last = self.today - timedelta(days=1)
        self.days = [self.start + timedelta(days=n) for n in range(1, (self.last - self.start).days + 1)]
        self.delta = [timedelta(days=n) for n in range(400)]

    def phases(self) -> list[Callable[[], None]]:
        """Each phase adds one kind of record."""
        return [self.reception_and_cases, datagen_weak.WeakPhase(self).run]

    # Helpers ------------------------------------------------------------------------------------------------

    def family(self) -> Family:
        return self.rng.choices(self.families, cum_weights=self.family_weights)[0]

    def place(self, family: Family, day: date) -> Place:
        if day < REFORM_START and family.former:
            return self.rng.choice(family.former)
        return family.current

    def number(self, register: str, unit_id: int, year: int) -> str:
        key = (register, unit_id, year)
        self.numbers[key] = value = self.numbers.get(key, 0) + 1
        return f"{NUMBER_PREFIX}{value}/{year}"

    def after(self, day: date, low: int, high: int) -> date:
        return min(day + self.delta[self.rng.randint(low, high)], self.last)

    def pick(self, weighted: tuple[list, list[float]]):
        return self.rng.choices(weighted[0], cum_weights=weighted[1])[0]

    def person(self, family: Family, place: Place, day: date, minute: int) -> Person:
        """A known repeat citizen of the commune, or a new citizen recorded by `place`."""
        rng = self.rng
        if family.repeaters and rng.random() < CITIZEN_REUSE:
            return rng.choice(family.repeaters)
        name = fake.full_name(rng)
        national_id = ""
        if rng.random() < 0.8:
            national_id = fake.national_id(rng)
            while national_id in self.national_ids:
                national_id = fake.national_id(rng)
            self.national_ids.add(national_id)
        phone = fake.phone(rng) if rng.random() < 0.7 else ""
        if place.rural:
            village = rng.choice(VILLAGES)
            address = f"Thôn {village}, {place.tail}"
            address_folded = f"thon {_fold(village)}, {_fold(place.tail)}"
        else:
            house, lane, street = rng.randint(1, 250), rng.randint(1, 120), rng.choice(STREETS)
            address = f"Số {house}, ngõ {lane} phố {street}, {place.tail}"
            address_folded = f"so {house}, ngo {lane} pho {_fold(street)}, {_fold(place.tail)}"
        name_folded = _fold(name)
        search = Citizen.search_text_for(
            full_name=name_folded, national_id=national_id, phone=phone, address=address_folded
        )
        citizen_id = self.loader.new_id(self.t["citizens"])
        self.t["citizens"].rows.append(
            (
                citizen_id,
                place.id,
                name,
                national_id,
                phone,
                address,
                family.current.id,
                search,
                False,
                self.sink.timestamp(day, minute),
            )
        )
        person = Person(citizen_id, name_folded, address_folded)
        if rng.random() < REPEATER_SHARE:
            family.repeaters.append(person)
        return person

    def matter(self, kind: str, field_id: int, place: Place) -> tuple[str, str]:
        """A summary and its folded text: what, and where in the commune."""
        rng = self.rng
        text = rng.choice(MATTERS[self.field_codes[field_id]][kind])
        where = f"thôn {rng.choice(VILLAGES)}" if place.rural else f"tổ dân phố số {rng.randint(1, 40)}"
        return f"{text} tại {where}, {place.title}", f"{_fold(text)} tai {_fold(where)}, {_fold(place.title)}"

    def kind_and_field(self) -> tuple[str, int]:
        kind = self.pick(self.kinds)
        return kind, self.pick(self.denunciation_fields if kind == CaseKind.DENUNCIATION else self.fields)

    # The day loop -------------------------------------------------------------------------------------------

    def reception_and_cases(self) -> None:
        """Sessions with their visits, cases (a third opened at a visit) with their letters, deadlines, timeline
        and designations, repeat letters and letters that never become cases."""
        rng, today = self.rng, self.today
        calendar = self.planner.calendar
        session_days = self.days + [today + timedelta(days=n) for n in range(SCHEDULED_AHEAD_DAYS + 1)]
        # Public bodies receive on working days; volumes vary from day to day.
        session_weights = [calendar.is_working_day(d) * rng.uniform(0.7, 1.3) for d in session_days]
        day_weights = [(1.0 if calendar.is_working_day(d) else 0.03) * rng.uniform(0.7, 1.3) for d in self.days]
        sessions_per_day = _spread(self.scale.sessions, session_weights)
        cases_per_day = _spread(self.scale.cases, day_weights)
        repeats_per_day = _spread(round(self.scale.cases * REPEAT_LETTERS_PER_CASE), day_weights)
        others_per_day = _spread(round(self.scale.cases * OTHER_LETTERS_PER_CASE), day_weights)
        # A visit that hands in a letter opens a case; on days with many such visits the cases by post of the
        # following days make up for it, so the total is exact and about a third of cases come from a visit.
        cases_left = self.scale.cases
        visit_sourced_due, ahead = 0.0, 0
        year = None
        for index, day in enumerate(session_days):
            if day.year != year:
                year = day.year
                self.log(f"  {year} …")
            visits = self.sessions_of(day, sessions_per_day[index])
            if day > self.last:
                continue
            visit_sourced_due += cases_per_day[index] * VISIT_SOURCED_SHARE
            opened = min(len(visits), int(visit_sourced_due), cases_left)
            visit_sourced_due -= opened
            by_letter = min(max(cases_per_day[index] - opened - ahead, 0), cases_left - opened)
            ahead += opened + by_letter - cases_per_day[index]
            cases_left -= opened + by_letter
            for position in sorted(rng.sample(range(len(visits)), opened)):
                visits[position] = (*visits[position][:-1], VisitOutcome.LETTER_RECEIVED)
            for visit in visits:
                self.write_visit(day, *visit)
            for _ in range(by_letter):
                self.case_by_letter(day)
            for _ in range(repeats_per_day[index]):
                self.repeat_letter(day)
            for _ in range(others_per_day[index]):
                self.other_letter(day)
            self.loader.flush_if_full()

    def sessions_of(self, day: date, count: int) -> list[tuple]:
        """The day's sessions; returns their visits (not yet written: which hand in a letter is decided after)."""
        rng, t = self.rng, self.t
        visits = []
        future = day > self.last
        for _ in range(count):
            family = self.family()
            place = self.place(family, day)
            kind = self.pick(self.session_kinds)
            head, in_person, title = "", False, "Cán bộ tiếp công dân"
            if kind in (SessionKind.PERIODIC, SessionKind.DIALOGUE):
                chairman = kind == SessionKind.DIALOGUE or rng.random() < 0.6
                head = HeadPosition.PC_CHAIRMAN if chairman else HeadPosition.PARTY_SECRETARY
                in_person = kind == SessionKind.DIALOGUE or rng.random() < 0.8
                office = f"Chủ tịch UBND {place.title}" if chairman else f"Bí thư Đảng ủy {place.title}"
                title = office if in_person else f"Phó {office[0].lower()}{office[1:]}"
            elif kind == SessionKind.AD_HOC:
                title = f"Phó Chủ tịch UBND {place.title}"
            status = SessionStatus.SCHEDULED if future else SessionStatus.HELD
            if not future and rng.random() < 0.01:
                status = SessionStatus.CANCELLED
            online = day >= ONLINE_RECEPTION_FROM and kind != SessionKind.DIALOGUE and rng.random() < 0.15
            minute = 8 * 60 if rng.random() < 0.6 else 14 * 60
            starts_at = self.sink.timestamp(day, minute)
            created_at = self.sink.timestamp(day - self.delta[rng.randint(1, 7)], 7 * 60 + rng.randint(0, 60))
            session_id = self.loader.new_id(t["sessions"])
            t["sessions"].rows.append(
                (
                    session_id,
                    place.id,
                    self.number("session", place.id, day.year),
                    kind,
                    SessionMode.ONLINE if online else SessionMode.DIRECT,
                    status,
                    starts_at,
                    f"Trụ sở tiếp công dân {place.title}",
                    head,
                    in_person,
                    fake.full_name(rng),
                    title,
                    "Cán bộ tiếp công dân; công chức địa chính - xây dựng",
                    "",
                    False,
                    "",
                    self.user_id,
                    created_at,
                    created_at,
                )
            )
            if kind == SessionKind.DIALOGUE:
                held = status == SessionStatus.HELD
                t["dialogues"].rows.append(
                    (
                        self.loader.new_id(t["dialogues"]),
                        session_id,
                        f"Chủ tịch UBND {place.title}; đại diện các phòng chuyên môn" if held else "",
                        "Đại diện các hộ dân có đơn" if held else "",
                        "Đối thoại về phương án bồi thường, hỗ trợ, tái định cư" if held else "",
                        "Các hộ dân cơ bản thống nhất; tiếp tục rà soát các trường hợp còn vướng mắc" if held else "",
                        rng.randint(8, 40) if held else None,
                        self.sink.timestamp(day, minute + 180) if held else None,
                    )
                )
            if status != SessionStatus.HELD:
                continue
            count = rng.randint(1, 2) if kind == SessionKind.DIALOGUE else rng.choice(VISITS_PER_SESSION)
            for number in range(count):
                visits.append((session_id, family, place, minute + 20 * number, self.pick(self.other_outcomes)))
        return visits

    def write_visit(self, day: date, session_id: int, family: Family, place: Place, minute: int, outcome: str) -> None:
        rng, t = self.rng, self.t
        person = self.person(family, place, day, minute)
        people = self.pick(self.people)
        kind, field_id = self.kind_and_field()
        summary, summary_folded = self.matter(kind, field_id, place)
        visit_id = self.loader.new_id(t["visits"])
        t["visits"].rows.append(
            (
                visit_id,
                session_id,
                person.id,
                people,
                is_mass(people),
                f"{fake.full_name(rng)}, {fake.full_name(rng)}" if is_mass(people) else "",
                summary,
                kind,
                field_id,
                person.id in self.visited,
                outcome,
                rng.choice(COMPETENT_BODIES) if outcome == VisitOutcome.TRANSFERRED else "",
                "Người đến không có giấy tờ tùy thân, không ủy quyền hợp lệ" if outcome == VisitOutcome.REFUSED else "",
                False,
                "",
                self.user_id,
                self.sink.timestamp(day, minute + 10),
            )
        )
        self.visited.add(person.id)
        if outcome == VisitOutcome.LETTER_RECEIVED:
            self.open_case(
                family=family,
                place=place,
                day=day,
                minute=minute + 15,
                person=person,
                kind=kind,
                field_id=field_id,
                summary=summary,
                summary_folded=summary_folded,
                people=people,
                channel=Channel.RECEPTION,
                visit_id=visit_id,
            )

    def case_by_letter(self, day: date) -> None:
        """A case opened from a letter by post, online or transferred; a few complaints come a second time."""
        rng = self.rng
        family = self.family()
        place = self.place(family, day)
        minute = rng.randint(7 * 60 + 30, 16 * 60 + 30)
        kind, field_id = self.kind_and_field()
        previous = None
        if kind == CaseKind.COMPLAINT and family.closed_complaints and rng.random() < SECOND_TIME_SHARE:
            previous = rng.choice(family.closed_complaints)
            person, field_id = previous.person, previous.field_id
            summary = f"Khiếu nại lần hai: {previous.summary}"
            summary_folded = f"khieu nai lan hai: {previous.summary_folded}"
        else:
            person = self.person(family, place, day, minute)
            summary, summary_folded = self.matter(kind, field_id, place)
        self.open_case(
            family=family,
            place=place,
            day=day,
            minute=minute,
            person=person,
            kind=kind,
            field_id=field_id,
            summary=summary,
            summary_folded=summary_folded,
            people=self.pick(self.people),
            channel=self.pick(self.channels),
            visit_id=None,
            previous=previous,
        )

    def lifecycle(self, received: date) -> tuple[str, date | None, date | None, date | None, date | None]:
        """Status, and the dates of acceptance, conclusion and closure, and when the intake step ended."""
        rng = self.rng
        age = (self.today - received).days
        statuses, weights = next((s, w) for limit, s, w in self.statuses if limit is None or age < limit)
        status = rng.choices(statuses, cum_weights=weights)[0]
        accepted = concluded = closed = intake_end = None
        if status in ACCEPT_PATH or (status == S.CLOSED and rng.random() < 0.85):
            accepted = intake_end = self.after(received, 2, 10)
            if status in CONCLUDED or status == S.CLOSED:
                concluded = self.after(accepted, 20, 75)
                if status == S.CLOSED:
                    closed = self.after(concluded, 5, 90)
        elif status not in AWAITING_INTAKE:
            intake_end = self.after(received, 2, 10)
            if status == S.CLOSED:
                closed = self.after(intake_end, 5, 60)
        return status, accepted, concluded, closed, intake_end

    def open_case(
        self,
        *,
        family: Family,
        place: Place,
        day: date,
        minute: int,
        person: Person,
        kind: str,
        field_id: int,
        summary: str,
        summary_folded: str,
        people: int,
        channel: str,
        visit_id: int | None,
        previous: CaseRef | None = None,
    ) -> None:
        """A case with the letter that opened it, its deadlines, its "created" event and any designations."""
        rng, t, sink = self.rng, self.t, self.sink
        attempt = Attempt.SECOND if previous else Attempt.FIRST
        complexity = self.pick(self.complexities)
        remote = place.rural and rng.random() < 0.05
        status, accepted, concluded, closed, intake_end = self.lifecycle(day)
        is_open = status in OPEN_STATUSES
        outcome = self.pick(self.outcomes) if concluded else ""
        right = outcome in (Outcome.RIGHT, Outcome.PARTLY_RIGHT)
        code = self.field_codes[field_id]
        money = rng.randint(5, 2000) * 1_000_000 if right and code in ("dat-dai", "giai-phong-mat-bang") else None
        land = round(rng.uniform(5, 300), 1) if right and code == "dat-dai" and rng.random() < 0.3 else None
        disciplined = rng.randint(1, 3) if right and kind == CaseKind.DENUNCIATION else None

        if kind == CaseKind.COMPLAINT:
            respondent = rng.choice(
                [f"UBND {place.title}", f"Chủ tịch UBND {place.title}", "Trung tâm Phát triển quỹ đất"]
            )
            respondent_folded = _fold(respondent)
        elif kind == CaseKind.DENUNCIATION:
            respondent = (
                f"{rng.choice(['Ông', 'Bà'])} {fake.full_name(rng)}, {rng.choice(DENOUNCED_ROLES)} {place.title}"
            )
            respondent_folded = fold(respondent)
        elif rng.random() < 0.3:
            respondent = f"UBND {place.title}"
            respondent_folded = _fold(respondent)
        else:
            respondent = respondent_folded = ""
        others = ""
        if people > 1 and rng.random() < 0.5:
            names = [fake.full_name(rng) for _ in range(min(people - 1, rng.randint(1, 3)))]
            others = ", ".join(names) + (f" và {people - 1 - len(names)} người khác" if people - 1 > len(names) else "")
        identity = Case.identity_text_for(
            complainant_name=person.name, complainant_address=person.address, other_complainants=fold(others)
        )

        flags = []
        mass = is_mass(people)
        if rng.random() < 0.0015 + 0.03 * mass:
            flags.append(Designation.HOT_SPOT)
        if rng.random() < 0.003 + 0.02 * is_open:
            flags.append(Designation.FOCUS)
        if rng.random() < 0.008 + 0.05 * mass:
            flags.append(Designation.OVER_LEVEL)

        case_id = self.loader.new_id(t["cases"])
        created_at = sink.timestamp(day, minute)
        # Deadlines as the services would have set them: intake from receipt, resolution from acceptance.
        facts = CaseFacts(
            kind=kind,
            attempt=attempt,
            complexity=complexity,
            is_remote_area=remote,
            status=status,
            received_on=day,
            accepted_on=accepted,
            concluded_on=concluded,
            closed_on=closed,
        )
        planned = self.planner.plan_past(facts, intake_ended_on=intake_end)
        for step, rule, start, due, met in planned:
            t["deadlines"].rows.append((self.loader.new_id(t["deadlines"]), case_id, step, rule.pk, start, due, met, 0))
        number = self.number("case", place.id, day.year)
        t["cases"].rows.append(
            (
                case_id,
                place.id,
                number,
                kind,
                field_id,
                channel,
                day,
                summary,
                people,
                person.id,
                others,
                respondent,
                visit_id,
                attempt,
                previous.id if previous else None,
                complexity,
                remote,
                None,
                status,
                accepted,
                concluded,
                closed,
                outcome,
                money,
                land,
                disciplined,
                "",
                Designation.OVER_LEVEL in flags,
                Designation.HOT_SPOT in flags,
                Designation.FOCUS in flags,
                current_due_on(planned),
                None,
                False,
                "",
                # A concluded case carries the signed decision it was recorded from (case_record_decision).
                f"{number.split('/')[0]}/QĐ-UBND" if concluded else "",
                "Chủ tịch UBND" if concluded else "",
                Case.search_text_for(number=number, summary=summary_folded, respondent=respondent_folded),
                identity,
                self.user_id,
                created_at,
            )
        )
        t["events"].rows.append(
            (self.loader.new_id(t["events"]), case_id, EventKind.CREATED, "", S.RECEIVED, "", self.user_id, created_at)
        )
        for flag in flags:
            designated = self.after(day, 3, 30)
            t["designations"].rows.append(
                (
                    self.loader.new_id(t["designations"]),
                    case_id,
                    flag,
                    DESIGNATION_REASONS[flag],
                    self.user_id,
                    sink.timestamp(designated, 15 * 60),
                    None,
                    None,
                )
            )
        self.write_letter(
            place=place,
            day=day,
            minute=minute,
            channel=channel,
            visit_id=visit_id,
            person=person,
            people=people,
            content=kind,
            field_id=field_id,
            summary=summary,
            summary_folded=summary_folded,
            disposition=LetterDisposition.CASE,
            disposed_on=day,
            case_id=case_id,
        )
        reference = CaseRef(case_id, person, kind, field_id, summary, summary_folded, closed is not None)
        family.recent_cases.append(reference)
        if kind == CaseKind.COMPLAINT and reference.closed and attempt == Attempt.FIRST:
            family.closed_complaints.append(reference)

    def letter_due_on(self, received_on: date) -> date | None:
        """The letter's processing deadline (cases.deadlines.letter_due_on), worked out once per day of receipt."""
        if received_on not in self._letter_due:
            self._letter_due[received_on] = letter_due_on(received_on, planner=self.planner)
        return self._letter_due[received_on]

    def write_letter(
        self,
        *,
        place: Place,
        day: date,
        minute: int,
        channel: str,
        visit_id: int | None,
        person: Person | None,
        people: int,
        content: str,
        field_id: int,
        summary: str,
        summary_folded: str,
        disposition: str,
        disposed_on: date | None,
        case_id: int | None = None,
        title: str | None = None,
        archive_reason: str = "",
        competent_body: str = "",
    ) -> None:
        t = self.t
        title = title or LETTER_TITLES[content]
        number = self.number("letter", place.id, day.year)
        not_processable = archive_reason in (ArchiveReason.ANONYMOUS, ArchiveReason.NOT_PROCESSABLE)
        t["letters"].rows.append(
            (
                self.loader.new_id(t["letters"]),
                place.id,
                number,
                day,
                channel,
                visit_id,
                person.id if person else None,
                person is None,
                people,
                self.rng.choice(TRANSFERRED_FROM) if channel == Channel.TRANSFERRED else "",
                title,
                summary,
                content,
                field_id,
                None if disposition == "" else not not_processable,
                "Đơn không ghi rõ họ tên, địa chỉ người gửi" if not_processable else "",
                None if disposition == "" else disposition in (LetterDisposition.CASE, LetterDisposition.ARCHIVED),
                disposition,
                disposed_on,
                competent_body,
                archive_reason,
                one_year_after(disposed_on) if disposition == LetterDisposition.ARCHIVED and disposed_on else None,
                self.letter_due_on(day),
                case_id,
                False,
                "",
                Letter.search_text_for(number=number, title=_fold(title), summary=summary_folded),
                self.user_id,
                self.sink.timestamp(day, minute),
            )
        )

    def repeat_letter(self, day: date) -> None:
        """A later letter on a matter the commune already has as a case: joined to that case."""
        family = self.family()
        if not family.recent_cases:
            return self.other_letter(day)
        case = self.rng.choice(family.recent_cases)
        place = self.place(family, day)
        self.write_letter(
            place=place,
            day=day,
            minute=self.rng.randint(7 * 60 + 30, 16 * 60 + 30),
            channel=self.pick(self.channels),
            visit_id=None,
            person=case.person,
            people=1,
            content=case.kind,
            field_id=case.field_id,
            summary=f"Tiếp tục gửi đơn: {case.summary}",
            summary_folded=f"tiep tuc gui don: {case.summary_folded}",
            disposition=LetterDisposition.CASE,
            disposed_on=day,
            case_id=case.id,
            title=f"{LETTER_TITLES[case.kind]} (gửi lần 2)",
        )

    def other_letter(self, day: date) -> None:
        """A letter that does not become a case: anonymous and archived, guided, transferred, urged or archived
        for another reason; the most recent are not handled yet."""
        rng = self.rng
        family = self.family()
        place = self.place(family, day)
        minute = rng.randint(7 * 60 + 30, 16 * 60 + 30)
        content = self.pick(self.letter_contents)
        kind = CaseKind.COMPLAINT if content == LetterContent.MULTIPLE else content
        field_id = self.pick(self.denunciation_fields if kind == CaseKind.DENUNCIATION else self.fields)
        summary, summary_folded = self.matter(kind, field_id, place)
        anonymous = rng.random() < 0.25
        person = None if anonymous else self.person(family, place, day, minute)
        disposition, archive_reason, body = self.pick(self.dispositions), "", ""
        if anonymous:
            disposition, archive_reason = LetterDisposition.ARCHIVED, ArchiveReason.ANONYMOUS
        elif disposition == LetterDisposition.ARCHIVED:
            archive_reason = self.pick(self.archive_reasons)
        else:
            body = rng.choice(COMPETENT_BODIES)
        disposed_on: date | None = self.after(day, 1, 10)
        if (self.today - day).days < 10 and rng.random() < 0.5:
            disposition, archive_reason, body, disposed_on = "", "", "", None
        self.write_letter(
            place=place,
            day=day,
            minute=minute,
            channel=self.pick(self.channels),
            visit_id=None,
            person=person,
            people=1,
            content=content,
            field_id=field_id,
            summary=summary,
            summary_folded=summary_folded,
            disposition=disposition,
            disposed_on=disposed_on,
            archive_reason=archive_reason,
            competent_body=body,
        )


# Running and resetting -------------------------------------------------------------------------------------------


def datagen_user() -> User:
    """The inactive account every generated row is created by; it never signs in and holds no role."""
    user = User.objects.filter(username=DATAGEN_USERNAME).first()
    if user is None:
        user = User(
            username=DATAGEN_USERNAME,
            full_name="Dữ liệu sinh tự động",
            is_active=False,
            password=make_password(None),
        )
        # django-simple-history's switch for one save without a history row; no model declares the attribute.
        user.skip_history_when_saving = True  # type: ignore[attr-defined]
        user.save()
    return user


def _generated(model: type[models.Model]) -> str:
    return f"SELECT id FROM {model._meta.db_table} WHERE created_by_id = %s"


@dataclass
class Reset:
    rows: int
    truncated: bool  # every row of the tables was generated, so they were emptied with TRUNCATE


def delete_generated(user: User) -> Reset:
    """Delete every generated row and whatever hangs off a generated case or session. Citizens go when generated
    rows referred to them and nothing else still does. When the tables hold nothing but generated rows (a
    database made for measuring), PostgreSQL empties them with TRUNCATE instead of deleting row by row."""
    t = {m: m._meta.db_table for m in (Citizen, ReceptionSession, Dialogue, Visit, Case, Letter)}
    cases, sessions = _generated(Case), _generated(ReceptionSession)
    uid = user.pk
    statements: list[tuple[type[models.Model], str, list[Any]]] = [
        (CaseEvent, f"case_id IN ({cases})", [uid]),
        (
            DeadlineExtension,
            f"deadline_id IN (SELECT id FROM {CaseDeadline._meta.db_table} WHERE case_id IN ({cases}))",
            [uid],
        ),
        (CaseDeadline, f"case_id IN ({cases})", [uid]),
        (CaseDesignation, f"case_id IN ({cases})", [uid]),
        (
            Dialogue.cases.through,
            f"case_id IN ({cases}) OR dialogue_id IN (SELECT id FROM {t[Dialogue]} WHERE session_id IN ({sessions}))",
            [uid, uid],
        ),
        (Dialogue, f"session_id IN ({sessions})", [uid]),
        (Letter, "created_by_id = %s", [uid]),
        (Case, "created_by_id = %s", [uid]),
        (Visit, "created_by_id = %s", [uid]),
        (ReceptionSession, "created_by_id = %s", [uid]),
        (
            Citizen,
            f"id IN (SELECT id FROM datagen_citizen) "
            f"AND NOT EXISTS (SELECT 1 FROM {t[Visit]} v WHERE v.citizen_id = {t[Citizen]}.id) "
            f"AND NOT EXISTS (SELECT 1 FROM {t[Letter]} l WHERE l.sender_id = {t[Citizen]}.id) "
            f"AND NOT EXISTS (SELECT 1 FROM {t[Case]} c WHERE c.complainant_id = {t[Citizen]}.id)",
            [],
        ),
    ]
    with connection.cursor() as cursor:
        weak_rows = datagen_weak.delete_generated(cursor, uid)
        cursor.execute("DROP TABLE IF EXISTS datagen_citizen")
        cursor.execute(
            f"CREATE TEMPORARY TABLE datagen_citizen AS "
            f"SELECT citizen_id AS id FROM {t[Visit]} WHERE created_by_id = %s "
            f"UNION SELECT sender_id FROM {t[Letter]} WHERE created_by_id = %s AND sender_id IS NOT NULL "
            f"UNION SELECT complainant_id FROM {t[Case]} WHERE created_by_id = %s AND complainant_id IS NOT NULL",
            [uid, uid, uid],
        )
        cursor.execute("ANALYZE datagen_citizen")  # without statistics PostgreSQL joins it by nested loops
        tables = [model._meta.db_table for model, _condition, _params in statements]
        whole = _only_generated(cursor, uid, tables) if connection.vendor == "postgresql" else None
        if whole:
            rows = 0
            for table in tables:
                cursor.execute(f"SELECT COUNT(*) FROM {table}")
                rows += cursor.fetchone()[0]
            cursor.execute(f"TRUNCATE {', '.join(whole)}")
        else:
            rows = 0
            for table, (_model, condition, params) in zip(tables, statements, strict=True):
                cursor.execute(f"DELETE FROM {table} WHERE {condition}", params)
                rows += cursor.rowcount
        cursor.execute("DROP TABLE datagen_citizen")
    return Reset(rows=rows + weak_rows, truncated=bool(whole))


def _only_generated(cursor, uid: int, tables: list[str]) -> list[str] | None:
    """The tables to TRUNCATE when every row in them is generated, or None. Tables elsewhere with foreign keys
    into them must be empty (TRUNCATE takes them along)."""
    for model in (Case, Letter, Visit, ReceptionSession):
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {model._meta.db_table} WHERE created_by_id <> %s)", [uid])
        if cursor.fetchone()[0]:
            return None
    citizen = Citizen._meta.db_table
    cursor.execute(
        f"SELECT EXISTS (SELECT 1 FROM {citizen} c WHERE NOT EXISTS "
        f"(SELECT 1 FROM datagen_citizen d WHERE d.id = c.id))"
    )
    if cursor.fetchone()[0]:
        return None
    group = list(tables)
    while True:
        cursor.execute(
            "SELECT DISTINCT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
            "AND confrelid = ANY(%s::regclass[]) AND NOT conrelid = ANY(%s::regclass[])",
            [group, group],
        )
        outside = [row[0] for row in cursor.fetchall()]
        if not outside:
            return group
        for table in outside:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
            if cursor.fetchone()[0]:
                return None
        group += outside


def has_generated(user: User) -> bool:
    return any(model.objects.filter(created_by=user).exists() for model in (ReceptionSession, Visit, Letter, Case))


@dataclass
class Report:
    tables: list[Table]
    reset_seconds: float | None
    generate_seconds: float
    index_seconds: float
    analyze_seconds: float
    total_seconds: float
    families: int
    former: int


def generate(*, scale_name: str, seed: int = 1, reset: bool = False, log: Callable[[str], None] = print) -> Report:
    """Generate one scale of data. Refuses a scale that needs PostgreSQL elsewhere, and refuses to add to
    earlier generated rows unless `reset` deletes them first. All or nothing: one transaction."""
    scale = SCALES[scale_name]
    if scale.needs_postgresql and connection.vendor != "postgresql":
        raise GenerationError(f"Scale {scale_name!r} needs PostgreSQL: set DATABASE_URL to a PostgreSQL database.")
    if connection.vendor not in ("postgresql", "sqlite"):
        raise GenerationError("Data can be generated on PostgreSQL or SQLite only.")
    started = time.perf_counter()
    load_hanoi_units()
    user = datagen_user()
    reset_seconds = None
    with transaction.atomic(), connection.cursor() as cursor:
        sink = PostgresSink(cursor) if connection.vendor == "postgresql" else SqliteSink(cursor)
        loader = Loader(sink, _tables())
        sink.begin()
        deleted_row_by_row = False
        if reset:
            mark = time.perf_counter()
            result = delete_generated(user)
            reset_seconds = time.perf_counter() - mark
            how = "emptied with TRUNCATE" if result.truncated else "deleted"
            log(f"Reset: {result.rows:,} generated rows {how} in {reset_seconds:.1f} s")
            deleted_row_by_row = result.rows > 0 and not result.truncated
        elif has_generated(user):
            raise GenerationError("Generated data is already there: run again with --reset to replace it.")
        # Rebuilding indexes would also index the rows just deleted (they stay in the table until this
        # transaction ends), so indexes are kept up to date instead after a reset that deleted row by row.
        if scale.cases >= DEFER_INDEXES_FROM and not deleted_row_by_row:
            sink.defer_indexes(loader.tables.values())
        mark = time.perf_counter()
        generator = Generator(scale=scale, seed=seed, loader=loader, user=user, log=log)
        former = len({place.id for family in generator.families for place in family.former})
        log(
            f"Scale {scale_name}: {scale.cases:,} cases, {scale.sessions:,} sessions in {len(generator.families)} "
            f"communes/wards (and {former} former ones before {REFORM_START:%d/%m/%Y}), "
            f"{generator.days[0]:%d/%m/%Y} – {generator.last:%d/%m/%Y}"
        )
        for phase in generator.phases():
            phase()
        loader.flush()
        index_mark = time.perf_counter()
        sink.finish()
        index_seconds = time.perf_counter() - index_mark
        generate_seconds = index_mark - mark
    mark = time.perf_counter()
    with connection.cursor() as cursor:
        (PostgresSink if connection.vendor == "postgresql" else SqliteSink)(cursor).analyze(loader.tables.values())
    analyze_seconds = time.perf_counter() - mark
    return Report(
        tables=list(loader.tables.values()),
        reset_seconds=reset_seconds,
        generate_seconds=generate_seconds,
        index_seconds=index_seconds,
        analyze_seconds=analyze_seconds,
        total_seconds=time.perf_counter() - started,
        families=len(generator.families),
        former=former,
    )


def profile(user: User) -> dict[str, float]:
    """The shares the generated data is meant to have, measured on what was written (percentages)."""
    cases = Case.objects.filter(created_by=user)
    total = cases.count() or 1
    today = timezone.localdate()

    def share(queryset) -> float:
        return round(100 * queryset.count() / total, 2)

    # A citizen repeats when they came more than once: visits, and letters not handed in at a visit.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END), COUNT(*) FROM ("
            f"SELECT person, COUNT(*) AS n FROM ("
            f"SELECT citizen_id AS person FROM {Visit._meta.db_table} WHERE created_by_id = %s UNION ALL "
            f"SELECT sender_id FROM {Letter._meta.db_table} "
            f"WHERE created_by_id = %s AND sender_id IS NOT NULL AND source_visit_id IS NULL"
            f") AS contacts GROUP BY person) AS people",
            [user.pk, user.pk],
        )
        repeating, people = cursor.fetchone()
    return {
        "complaints": share(cases.filter(kind=CaseKind.COMPLAINT)),
        "denunciations": share(cases.filter(kind=CaseKind.DENUNCIATION)),
        "recommendations_feedback": share(cases.filter(kind__in=[CaseKind.RECOMMENDATION, CaseKind.FEEDBACK])),
        "land_and_site_clearance": share(cases.filter(field__code__in=["dat-dai", "giai-phong-mat-bang"])),
        "from_a_visit": share(cases.filter(source_visit__isnull=False)),
        "letters_per_case": round(Letter.objects.filter(created_by=user).count() / total, 2),
        "mass": share(cases.filter(mass_q())),
        "hot_spot": share(cases.filter(is_hot_spot=True)),
        "focus": share(cases.filter(is_focus=True)),
        "over_level": share(cases.filter(is_over_level=True)),
        "open": share(cases.filter(status__in=OPEN_STATUSES)),
        "open_overdue": share(cases.filter(status__in=OPEN_STATUSES, due_on__lt=today)),
        "before_reform": share(cases.filter(received_on__lt=REFORM_START)),
        "citizens_repeating": round(100 * (repeating or 0) / (people or 1), 2),
    }
