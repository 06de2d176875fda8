"""The DOCX report and the XLSX annex of a compiled report (DESIGN §6), written from its figures snapshot alone.

The DOCX follows the Party's document format (Guidance 36-HD/VPTW of 2018) or, for a People's Committee issuer,
the state format (Decree 30/2020/NĐ-CP): A4, Times New Roman 14, the issuer and "*" top left, the title top
right, the italic place-and-date line, then the figures with the same period of last year and a skeleton of the
assessment for the committee to finish. The XLSX has one sheet per table, each stating its data period.

The wording is Vietnamese literal text, not msgids: these are official documents whose formats and phrases are
fixed in Vietnamese whatever language the user reads the site in.
"""

import io
import struct
import zlib
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TypedDict
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.text import slugify
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core.spreadsheets import write_cell
from core.text import fold
from organizations.choices import UnitKind
from reports.catalogue import CATALOGUE, RATE
from reports.choices import PeriodKind
from reports.models import Report

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
PLACE = "Hà Nội"
FONT = "Times New Roman"

# (title in the DOCX, sheet name ≤ 31 characters) per section code of reports.catalogue.CATALOGUE.
SECTION_TITLES = {
    "weak": ("Củng cố tổ chức cơ sở đảng yếu kém", "A. TCCSĐ yếu kém"),
    "reception": ("Tiếp công dân", "B. Tiếp công dân"),
    "letters": ("Tiếp nhận, xử lý đơn", "C. Xử lý đơn"),
    "cases": ("Giải quyết vụ việc", "D. Giải quyết vụ việc"),
}
SUBJECT = "công tác củng cố tổ chức cơ sở đảng yếu kém và công tác tiếp công dân, giải quyết khiếu nại, tố cáo"
STATE_SUBJECT = "công tác tiếp công dân, giải quyết khiếu nại, tố cáo, kiến nghị, phản ánh"
# By PeriodKind (a report's period_kind is read back as a plain string).
PERIOD_PHRASES: dict[str, str] = {
    PeriodKind.QUARTER_1: "quý I năm {year}",
    PeriodKind.HALF_YEAR: "6 tháng đầu năm {year}",
    PeriodKind.NINE_MONTHS: "9 tháng năm {year}",
    PeriodKind.YEAR: "năm {year}",
}
NEXT_PERIODS: dict[str, str] = {
    PeriodKind.QUARTER_1: "QUÝ II NĂM {year}",
    PeriodKind.HALF_YEAR: "6 THÁNG CUỐI NĂM {year}",
    PeriodKind.NINE_MONTHS: "NHỮNG THÁNG CUỐI NĂM {year}",
    PeriodKind.YEAR: "NĂM {next_year}",
}
COLUMNS = ["TT", "Chỉ tiêu", "Kỳ này", "Cùng kỳ năm trước", "Tăng/giảm", "Tỷ lệ (%)"]
FIELD_COLUMNS = ["TT", "Lĩnh vực", "Kỳ này", "Cùng kỳ năm trước", "Tăng/giảm", "Tỷ lệ (%)"]
UNIT_FIGURES = [
    ("sessions", "Buổi tiếp công dân"),
    ("visits", "Lượt tiếp"),
    ("letters", "Đơn tiếp nhận"),
    ("cases_new", "Vụ việc mới"),
    ("cases_resolved", "Vụ việc đã giải quyết"),
    ("weak_at_end", "TCCSĐ yếu kém cuối kỳ"),
]
CHART_CAPTION = "Biểu đồ: số vụ việc tiếp nhận theo tháng"
MISSING = "…"  # a figure the snapshot lacks (compiled before it existed): shown for the committee to fill


# Numbers and dates as Vietnamese documents write them ---------------------------------------------------------


def vn_number(value, *, signed: bool = False) -> str:
    """12345 → "12.345", 11.1 → "11,1", with "+" before a rise when `signed`; "" for None."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
    text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return f"+{text}" if signed and value > 0 else text


def _date(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _cutoff(report: Report) -> datetime | None:
    return timezone.localtime(report.data_cutoff, HANOI) if report.data_cutoff else None


COMMUNE_PREFIXES = ("Phường ", "Xã ", "Thị trấn ", "Đặc khu ")


def place_name(unit_name: str) -> str:
    """The place a document is dated from (Decree 30/2020, Appendix I; Guidance 36-HD/VPTW writes it the same
    way): the city for the city's bodies; for a commune or ward, its own name without "Xã"/"Phường" ("Ba
    Đình"), unless the name is a number ("Phường 1")."""
    name = _administrative_name(unit_name)
    for prefix in COMMUNE_PREFIXES:
        if name[: len(prefix)].lower() == prefix.lower():
            rest = name[len(prefix) :]
            return f"{prefix.strip()} {rest}" if rest.isdigit() else rest
    return PLACE


def place_and_date(on: date | None, place: str = PLACE) -> str:
    """ "Hà Nội, ngày 05 tháng 02 năm 2026": days below 10 and the months January and February take a leading
    zero (Decree 30/2020, Appendix I; the Party's guidance writes them the same way) so that no digit can be
    added in front. Without a date the blanks are left for the office."""
    if on is None:
        return f"{place}, ngày     tháng     năm 20   "
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"{place}, ngày {on.day:02d} tháng {month} năm {on.year}"


class ReportPeriod(TypedDict):
    start: date
    end: date
    previous_start: date | None  # the same period of last year, when the figures compare with it
    previous_end: date | None


def _period(report: Report) -> ReportPeriod:
    stored = report.figures.get("period") or {}

    def read(key: str) -> date | None:
        return date.fromisoformat(stored[key]) if stored.get(key) else None

    return {
        "start": read("start") or report.start,
        "end": read("end") or report.end,
        "previous_start": read("previous_start"),
        "previous_end": read("previous_end"),
    }


def period_phrase(report: Report) -> str:
    """ "6 tháng đầu năm 2026", "quý I năm 2026" ..."""
    return PERIOD_PHRASES.get(report.period_kind, "năm {year}").format(year=report.year)


PERIOD_SLUGS: dict[str, str] = {
    PeriodKind.QUARTER_1: "quy-1",
    PeriodKind.HALF_YEAR: "6-thang",
    PeriodKind.NINE_MONTHS: "9-thang",
    PeriodKind.YEAR: "nam",
}
FILE_KINDS = {"docx": ("bao-cao", "mau-dang"), "docx-state": ("bao-cao", "mau-nha-nuoc"), "xlsx": ("phu-luc", "")}


def file_name(report: Report, kind: str) -> str:
    """What a downloaded file is called, so that a folder of them reads on its own: what it is, the period, the
    unit and the format, e.g. "bao-cao-6-thang-2026_phuong-ba-dinh_mau-dang.docx" (Vietnamese without accents:
    some mail and archive systems still mangle them in file names)."""
    what, form = FILE_KINDS[kind]
    parts = [
        f"{what}-{PERIOD_SLUGS.get(report.period_kind, report.period_kind)}-{report.year}",
        slugify(fold(_unit_name(report))),
    ]
    if form:
        parts.append(form)
    if report.version > 1:
        parts.append(f"ban-{report.version}")
    return "_".join(parts) + (".xlsx" if kind == "xlsx" else ".docx")


def subtitle(report: Report, state_format: bool = False) -> str:
    verb = "Tổng kết" if report.period_kind == PeriodKind.YEAR else "Sơ kết"
    return f"{verb} {period_phrase(report)} {STATE_SUBJECT if state_format else SUBJECT}"


def data_period_line(report: Report) -> str:
    """ "(Số liệu từ 15/12/2025 đến 14/06/2026, tính đến 17:30 ngày 20/06/2026)" """
    period = _period(report)
    text = f"Số liệu từ {_date(period['start'])} đến {_date(period['end'])}"
    cutoff = _cutoff(report)
    if cutoff:
        text += f", tính đến {cutoff:%H:%M} ngày {_date(cutoff)}"
    return f"({text})"


def sheet_period_line(report: Report) -> str:
    """Row 2 of every annex sheet: the period, the same period of last year and the data cut-off."""
    period = _period(report)
    text = f"Số liệu từ {_date(period['start'])} đến {_date(period['end'])}"
    if period["previous_start"] and period["previous_end"]:
        text += f" (cùng kỳ: {_date(period['previous_start'])} – {_date(period['previous_end'])})"
    cutoff = _cutoff(report)
    if cutoff:
        text += f"; dữ liệu đến {cutoff:%H:%M} {_date(cutoff)}"
    return text


# Who issues the document ----------------------------------------------------------------------------------------

# Administrative prefix of a unit's name → the name of its party committee (in sentence case) and the symbol of
# that committee in document numbers ("Số 14-BC/ĐU").
COMMITTEE_PREFIXES = [
    ("Thị trấn ", "Đảng ủy thị trấn {rest}", "ĐU"),
    ("Phường ", "Đảng ủy phường {rest}", "ĐU"),
    ("Xã ", "Đảng ủy xã {rest}", "ĐU"),
    ("Thị xã ", "Thị ủy {rest}", "TU"),
    ("Thành phố ", "Thành ủy {rest}", "TU"),
    ("Quận ", "Quận ủy {rest}", "QU"),
    ("Huyện ", "Huyện ủy {rest}", "HU"),
    ("Đảng bộ ", "Đảng ủy {rest}", "ĐU"),
    ("Chi bộ ", "Chi bộ {rest}", "CB"),
]
STATE_PREFIXES = ("UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân ")


def committee(name: str) -> tuple[str, str]:
    """("Đảng ủy phường Ba Đình", "ĐU") for "Phường Ba Đình"; a name without a known prefix is kept."""
    for prefix, pattern, symbol in COMMITTEE_PREFIXES:
        if name.startswith(prefix):
            return pattern.format(rest=name[len(prefix) :]), symbol
    return name, "ĐU"


def _administrative_name(name: str) -> str:
    for prefix in STATE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def party_issuer(report: Report) -> tuple[str | None, str, str]:
    """(superior line, issuer line, number symbol). Guidance 36-HD/VPTW names a committee below the top by the
    party organization directly above it and then itself ("ĐẢNG BỘ THÀNH PHỐ HÀ NỘI" / "ĐẢNG ỦY PHƯỜNG BA
    ĐÌNH"); the city committee stands alone ("THÀNH ỦY HÀ NỘI")."""
    name, symbol = committee(_unit_name(report))
    parent = report.unit.parent
    if parent is None:
        return None, name.upper(), symbol
    superior = parent.name if parent.name.startswith("Đảng bộ") else f"Đảng bộ {parent.name}"
    return superior.upper(), name.upper(), symbol


def _unit_name(report: Report) -> str:
    # The name as reported (the snapshot), not today's name of a unit renamed since.
    return (report.figures.get("unit") or {}).get("name") or report.unit.name


def _signature(report: Report, state_format: bool) -> tuple[str, str]:
    if state_format:
        return "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
    name = _unit_name(report)
    if name.startswith("Chi bộ"):
        return "T/M CHI BỘ", "BÍ THƯ"
    if name.startswith("Đảng bộ") and report.unit.kind == UnitKind.GRASSROOTS:
        return "T/M ĐẢNG ỦY", "BÍ THƯ"
    return "T/M BAN THƯỜNG VỤ", "BÍ THƯ"


def default_recipients(report: Report, state_format: bool) -> list[str]:
    """The usual "Nơi nhận": the committee (or People's Committee) above, the steering committee at the top of the
    tree, and the file copy. A committee may change them before exporting (Report.recipients)."""
    parent = report.unit.parent
    top = report.unit
    while top.parent_id is not None:
        top = top.parent
    steering = f"Ban Chỉ đạo {committee(top.name)[0]}"
    if state_format:
        above = [f"- UBND {_administrative_name(parent.name)} (để báo cáo);"] if parent else []
        return [*above, f"- {steering} (để báo cáo);", "- Lưu: VT."]
    if parent is None:
        return [
            "- Ban Thường vụ " + committee(top.name)[0] + ",",
            "- Các đồng chí Ủy viên Ban Chỉ đạo,",
            "- Lưu Văn phòng.",
        ]
    return [f"- {committee(parent.name)[0]} (để báo cáo),", f"- {steering} (để báo cáo),", "- Lưu Văn phòng."]


def _recipients(report: Report, state_format: bool) -> list[str]:
    if report.recipients.strip():
        return [line.strip() for line in report.recipients.splitlines() if line.strip()]
    return default_recipients(report, state_format)


# The figures in words ---------------------------------------------------------------------------------------------


class _Rows:
    """The rows of one section by code, formatted for prose."""

    def __init__(self, section: dict):
        self.rows = {row.get("code"): row for row in section.get("rows", [])}

    def value(self, code: str) -> float:
        """The figure as a number, 0 when the snapshot lacks it (then its clause is left out)."""
        row = self.rows.get(code)
        return 0 if row is None or row.get("value") is None else row["value"]

    def clause(self, code: str, text: str) -> str:
        """`text` with the figure in place of {n}, or nothing when the figure is zero (the clause is left out)."""
        return text.format(n=self.n(code)) if self.value(code) else ""

    def n(self, code: str) -> str:
        row = self.rows.get(code)
        return MISSING if row is None or row.get("value") is None else vn_number(row["value"])

    def change(self, code: str, unit: str, *, points: bool = False) -> str:
        """ "tăng 12 buổi, 11,1% so với cùng kỳ năm trước"; `points` for a rate, whose change is in points."""
        row = self.rows.get(code)
        if row is None or row.get("previous") is None or row.get("diff") is None:
            return ""
        diff, pct = row["diff"], row.get("pct")
        if diff == 0:
            return "bằng cùng kỳ năm trước"
        direction = "tăng" if diff > 0 else "giảm"
        if points:
            return f"{direction} {vn_number(abs(diff))} điểm phần trăm so với cùng kỳ năm trước"
        if not row["previous"] or pct is None:
            return f"cùng kỳ năm trước không có {unit} nào"
        return f"{direction} {vn_number(abs(diff))} {unit}, {vn_number(abs(pct))}% so với cùng kỳ năm trước"

    def versus(self, code: str, unit: str, *, points: bool = False) -> str:
        """The change in brackets after a figure, or nothing when the snapshot has no comparison."""
        text = self.change(code, unit, points=points)
        return f" ({text})" if text else ""


def _joined(parts: list[str]) -> str:
    """ "a", "a và b", "a, b và c": the clauses of a sentence that have something to say."""
    parts = [part for part in parts if part]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} và {parts[-1]}" if parts else ""


def _weak_prose(r: _Rows, actor: str) -> str:
    """The weak organizations in words. A figure that is zero is not printed as "0 …": its clause is left out, or
    the sentence says plainly that nothing of the kind happened."""
    if not any(r.value(code) for code in ("at_start", "identified", "taken_off", "at_end")):
        listed = "Trong kỳ không có tổ chức cơ sở đảng yếu kém trong danh sách theo dõi."
    else:
        start = (
            f"Đầu kỳ có {r.n('at_start')} tổ chức cơ sở đảng yếu kém trong danh sách theo dõi"
            if r.value("at_start")
            else "Đầu kỳ không có tổ chức cơ sở đảng yếu kém trong danh sách theo dõi"
        )
        moves = _joined(
            [
                r.clause("identified", "xác định mới {n} tổ chức"),
                r.clause("taken_off", "đưa ra khỏi danh sách {n} tổ chức"),
            ]
        )
        end = (
            f"cuối kỳ còn {r.n('at_end')} tổ chức{r.versus('at_end', 'tổ chức')}"
            if r.value("at_end")
            else "cuối kỳ không còn tổ chức yếu kém"
        )
        listed = f"{start}; trong kỳ {moves or 'không phát sinh tổ chức yếu kém mới'}; {end}."
    work = _joined(
        [
            r.clause("tasks_done", "hoàn thành {n} nhiệm vụ trong đề án củng cố"),
            r.clause("inspections", "tổ chức {n} cuộc kiểm tra, đôn đốc"),
        ]
    )
    sentences = [listed, f"{actor} đã chỉ đạo {work}." if work else "Trong kỳ chưa phát sinh cuộc kiểm tra, đôn đốc."]
    if r.value("conclusions"):
        sentences.append(
            f"Các cuộc kiểm tra trong kỳ đưa ra {r.n('conclusions')} kết luận; "
            f"{r.n('conclusions_implemented')} kết luận đã được thực hiện xong trong kỳ."
            if r.value("conclusions_implemented")
            else f"Các cuộc kiểm tra trong kỳ đưa ra {r.n('conclusions')} kết luận, chưa kết luận nào thực hiện xong."
        )
    elif r.value("conclusions_implemented"):
        sentences.append(
            f"{r.n('conclusions_implemented')} kết luận kiểm tra kỳ trước đã được thực hiện xong trong kỳ."
        )
    return " ".join(sentences)


def _reception_prose(r: _Rows, actor: str) -> str:
    if not r.value("sessions"):
        return "Trong kỳ chưa tổ chức buổi tiếp công dân nào."
    kinds = _joined(
        [
            r.clause("regular", "{n} buổi tiếp thường xuyên"),
            r.clause("periodic", "{n} buổi tiếp định kỳ của người đứng đầu"),
            r.clause("ad_hoc", "{n} buổi tiếp đột xuất"),
            r.clause("dialogues", "{n} buổi đối thoại"),
        ]
    )
    delegations = (
        f", trong đó {r.n('delegations')} đoàn đông người với {r.n('delegation_people')} người"
        if r.value("delegations")
        else ""
    )
    sentences = [
        f"Trong kỳ, toàn đơn vị tổ chức {r.n('sessions')} buổi tiếp công dân{r.versus('sessions', 'buổi')}"
        f"{', gồm ' + kinds if kinds else ''}; tiếp {r.n('visits')} lượt với {r.n('people')} người"
        f"{r.versus('people', 'người')}{delegations}."
    ]
    heads = _joined(
        [
            r.clause("heads_in_person", "trực tiếp tiếp {n} buổi"),
            r.clause("heads_delegated", "ủy quyền {n} buổi"),
        ]
    )
    if heads:
        sentences.append(f"Người đứng đầu {heads}.")
    if r.value("heads_due"):
        if r.value("head_months_short"):
            sentences.append(
                f"{r.n('heads_met_all')}/{r.n('heads_due')} người đứng đầu thực hiện đầy đủ nhiệm vụ tiếp công dân "
                f"định kỳ trong tất cả các tháng của kỳ; {r.n('head_months_short')}/{r.n('head_months_due')} lượt "
                "tháng chưa tiếp đủ số ngày theo quy định."
            )
        else:
            sentences.append(
                f"Cả {r.n('heads_due')} người đứng đầu thực hiện đầy đủ nhiệm vụ tiếp công dân định kỳ trong tất cả "
                "các tháng của kỳ."
            )
    if r.value("cases_opened"):
        sentences.append(f"Qua tiếp công dân đã mở {r.n('cases_opened')} vụ việc.")
    return " ".join(sentences)


def _letters_prose(r: _Rows, actor: str) -> str:
    if not r.value("received") and not r.value("carried_over"):
        return "Trong kỳ không tiếp nhận đơn nào và không có đơn kỳ trước chuyển sang."
    received = (
        f"Trong kỳ tiếp nhận {r.n('received')} đơn{r.versus('received', 'đơn')}"
        if r.value("received")
        else "Trong kỳ không tiếp nhận đơn mới"
    )
    carried = r.clause("carried_over", "; kỳ trước chuyển sang {n} đơn")
    sentences = [f"{received}{carried}."]
    if r.value("processable"):
        competent = r.clause("competent", ", trong đó {n} đơn thuộc thẩm quyền")
        sentences.append(f"Có {r.n('processable')} đơn đủ điều kiện xử lý{competent}.")
    handled = _joined(
        [
            r.clause("to_case", "thụ lý giải quyết {n} đơn"),
            r.clause("guided", "hướng dẫn {n} đơn"),
            r.clause("transferred", "chuyển {n} đơn đến cơ quan có thẩm quyền"),
            r.clause("urged", "đôn đốc {n} đơn"),
            r.clause("archived", "lưu {n} đơn"),
        ]
    )
    sentences.append(f"Kết quả xử lý trong kỳ: {handled}." if handled else "Trong kỳ chưa xử lý xong đơn nào.")
    if r.value("pending_at_end"):
        sentences.append(f"Cuối kỳ còn {r.n('pending_at_end')} đơn chưa xử lý.")
    return " ".join(sentences)


KIND_WORDS = {"complaints": "khiếu nại", "denunciations": "tố cáo", "recommendations": "kiến nghị, phản ánh"}


def _cases_prose(r: _Rows, actor: str) -> str:
    if not r.value("to_handle"):
        return "Trong kỳ không phát sinh vụ việc phải giải quyết."
    new_change = r.change("new", "vụ")
    new = f"tiếp nhận mới {r.n('new')} vụ{', ' + new_change if new_change else ''}" if r.value("new") else ""
    carried = r.clause("carried_over", "kỳ trước chuyển sang {n} vụ")
    kinds = _joined([f"{r.n(code)} vụ {word}" for code, word in KIND_WORDS.items() if r.value(code)])
    origin = "; ".join(part for part in (new, carried) if part)
    sentences = [f"Tổng số vụ việc phải giải quyết là {r.n('to_handle')} vụ ({origin}), gồm {kinds}."]
    if r.value("resolved"):
        timing = _joined(
            [
                r.clause("resolved_on_time", "{n} vụ đúng hạn"),
                r.clause("resolved_late", "{n} vụ quá hạn"),
            ]
        )
        sentences.append(
            f"Đã giải quyết {r.n('resolved')} vụ{r.versus('resolved', 'vụ')}, đạt tỷ lệ {r.n('resolution_rate')}%"
            f"{r.versus('resolution_rate', '', points=True)}; trong đó {timing}."
        )
        by_kind = _joined(
            [
                f"{word} {r.n(code + '_resolved')}/{r.n(code)} vụ ({r.n(code + '_rate')}%)"
                for code, word in KIND_WORDS.items()
                if r.value(code)
            ]
        )
        sentences.append(f"Theo loại việc: {by_kind}.")
        outcomes = _joined(
            [
                r.clause("right", "{n} vụ đúng"),
                r.clause("wrong", "{n} vụ sai"),
                r.clause("partly_right", "{n} vụ có đúng, có sai"),
                r.clause("withdrawn", "{n} vụ rút đơn, tạm đình chỉ hoặc đình chỉ"),
            ]
        )
        if outcomes:
            sentences.append(f"Qua giải quyết: {outcomes}.")
    else:
        sentences.append("Trong kỳ chưa giải quyết xong vụ việc nào.")
    if r.value("pending_at_end"):
        backlog = r.clause("backlogged", ", trong đó {n} vụ tồn đọng từ kỳ trước")
        sentences.append(f"Cuối kỳ còn {r.n('pending_at_end')} vụ đang giải quyết{backlog}.")
    flags = _joined(
        [
            r.clause("mass", "{n} vụ đông người"),
            r.clause("over_level", "{n} vụ vượt cấp"),
            r.clause("hot_spots", "{n} vụ điểm nóng"),
            r.clause("focus", "{n} vụ trong danh sách theo dõi trọng điểm"),
        ]
    )
    if flags:
        sentences.append(f"Trong số vụ việc phải giải quyết có {flags}.")
    return " ".join(sentences)


PROSE: dict[str, Callable[[_Rows, str], str]] = {
    "weak": _weak_prose,
    "reception": _reception_prose,
    "letters": _letters_prose,
    "cases": _cases_prose,
}


def _table_row(index: int, row: dict) -> list:
    return [index, row.get("label", ""), row.get("value"), row.get("previous"), row.get("diff"), row.get("pct")]


# A bar chart as a PNG, without an imaging library ---------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def bar_chart_png(
    values: list[float], *, width: int = 1600, height: int = 560, colour: tuple[int, int, int] = (31, 78, 121)
) -> bytes:
    """A truecolour PNG of one bar per value on white, the bars centred in equal slots across the whole width so
    that a table of the same width below it lines its columns up with them. No text: the labels and values go
    in that table."""
    if not values:
        raise ValueError("A bar chart needs at least one value.")
    slot = width / len(values)
    top_margin, axis = height // 20, 4
    usable = height - top_margin - axis
    peak = max(max(values), 1)
    bars = []
    for index, value in enumerate(values):
        bar_height = round(usable * max(value, 0) / peak)
        left = round(slot * index + slot * 0.2)
        right = max(round(slot * (index + 1) - slot * 0.2), left + 1)
        bars.append((left, right, height - axis - bar_height))
    white, bar_pixel, axis_pixel = b"\xff\xff\xff", bytes(colour), b"\x59\x59\x59"
    raw = bytearray()
    for y in range(height):
        line = bytearray(white * width) if y < height - axis else bytearray(axis_pixel * width)
        if y < height - axis:
            for left, right, top in bars:
                if y >= top:
                    line[left * 3 : right * 3] = bar_pixel * (right - left)
        raw += b"\x00" + line  # filter type 0 (None) for every scanline
    pixels_per_metre = round(width / 0.16)  # drawn for 16 cm
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _png_chunk(b"pHYs", struct.pack(">IIB", pixels_per_metre, pixels_per_metre, 1))
        + _png_chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + _png_chunk(b"IEND", b"")
    )


# DOCX -------------------------------------------------------------------------------------------------------------


def _font(run, *, size: float | None = None, bold=None, italic=None, underline=None) -> None:
    run.font.name = FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if underline is not None:
        run.underline = underline


def _paragraph(
    container,
    text: str = "",
    *,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    indent: bool = False,
    before: float = 0,
    after: float = 6,
) -> Paragraph:
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent:
        fmt.first_line_indent = Cm(1)
    if text:
        _font(paragraph.add_run(text), size=size, bold=bold, italic=italic, underline=underline)
    return paragraph


def _heading(document, text: str, *, before: float = 0) -> Paragraph:
    """A bold heading that stays on the page of what follows it."""
    paragraph = _paragraph(document, text, bold=True, indent=True, before=before)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _cell_paragraph(cell, text: str, **kwargs) -> Paragraph:
    """Text in a table cell, centred by default: a new cell's first paragraph, empty and unformatted, is used
    before any is added."""
    kwargs.setdefault("align", WD_ALIGN_PARAGRAPH.CENTER)
    kwargs.setdefault("after", 0)
    first = cell.paragraphs[0]
    if len(cell.paragraphs) == 1 and first._p.pPr is None and not first.runs:
        cell._tc.remove(first._p)
    return _paragraph(cell, text, **kwargs)


def _short_rule(container, width_cm: float, column_cm: float) -> None:
    """A short centred horizontal line (below the issuer in the state format, below the subject): an empty
    paragraph with a bottom border, narrowed by equal indents."""
    paragraph = _paragraph(container, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = Cm(max((column_cm - width_cm) / 2, 0))
    fmt.line_spacing = Pt(4)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:contextualSpacing", "w:jc", "w:rPr"
    )


def _no_borders(table: Table) -> None:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell_margins(table: Table, left_right_cm: float) -> None:
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(round(left_right_cm * 567)))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def _widths(table: Table, widths_cm: list[float]) -> None:
    """Column widths both in the grid (LibreOffice reads it) and on every cell (Word reads those)."""
    table.autofit = False
    for index, width in enumerate(widths_cm):
        table.columns[index].width = Cm(width)
        for cell in table.columns[index].cells:
            cell.width = Cm(width)


def _rows_whole(table: Table) -> None:
    """No row split across two pages, and the heading row repeated at the top of each page."""
    for index, row in enumerate(table.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))
        if index == 0:
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            properties.append(header)


def _data_table(document, headings: list[str], rows: Iterable[list], widths: list[float], *, size: float = 12):
    """A bordered table: a bold heading row repeated on each page, then text left and numbers centred."""
    rows = list(rows)
    table = document.add_table(rows=1 + len(rows), cols=len(headings))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths)
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        _cell_paragraph(cell, heading, size=size, bold=True)
    for row, values in zip(table.rows[1:], rows, strict=True):
        bold = bool(values) and values[0] == ""  # a total row
        for column, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            if column == 1:
                _cell_paragraph(cell, str(value), size=size, bold=bold, align=WD_ALIGN_PARAGRAPH.LEFT)
            else:
                _cell_paragraph(cell, value if isinstance(value, str) else vn_number(value), size=size, bold=bold)
    _rows_whole(table)
    _paragraph(document, after=0)
    return table


def _comparison_rows(rows: list[dict]) -> list[list]:
    return [
        [
            str(index),
            row.get("label", ""),
            vn_number(row.get("value")),
            vn_number(row.get("previous")),
            vn_number(row.get("diff"), signed=True),
            vn_number(row.get("pct"), signed=True),
        ]
        for index, row in enumerate(rows, start=1)
    ]


def _page_setup(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    section.header_distance = section.footer_distance = Cm(1)
    # Page numbers centred at the top from page 2 on (Guidance 36-HD/VPTW; Decree 30 alike).
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = paragraph.add_run()
    _font(run, size=14)
    field.append(run._r)
    paragraph._p.append(field)


def _base_style(document) -> None:
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.font.color.rgb = RGBColor(0, 0, 0)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "vi-VN")
    language.set(qn("w:eastAsia"), "vi-VN")
    style.element.get_or_add_rPr().append(language)
    style.paragraph_format.space_after = Pt(6)


TEXT_WIDTH_CM = 16.5  # A4 less the 3 cm and 1.5 cm margins
# Header columns (left, right): the national title of the state format needs the wider right column.
HEADER_WIDTHS = {False: (8.0, 8.5), True: (6.5, 10.0)}


def _header(document, report: Report, state_format: bool) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _cell_margins(table, 0)
    left_width, right_width = HEADER_WIDTHS[state_format]
    _widths(table, [left_width, right_width])
    left, right = table.rows[0].cells
    cutoff = _cutoff(report)
    on = cutoff.date() if cutoff else None
    if state_format:
        name = _administrative_name(_unit_name(report)).upper()
        _cell_paragraph(left, "ỦY BAN NHÂN DÂN", size=13, bold=True)
        _cell_paragraph(left, name, size=13, bold=True)
        _short_rule(left, 2.5, left_width)
        _cell_paragraph(left, "Số:       /BC-UBND", size=13, before=6)
        _cell_paragraph(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size=12, bold=True)
        _cell_paragraph(right, "Độc lập - Tự do - Hạnh phúc", size=14, bold=True, underline=True)
        _cell_paragraph(right, place_and_date(on, place_name(_unit_name(report))), size=14, italic=True, before=12)
    else:
        superior, issuer, symbol = party_issuer(report)
        if superior:
            _cell_paragraph(left, superior, size=14)
        _cell_paragraph(left, issuer, size=14, bold=True)
        _cell_paragraph(left, "*", size=14)
        _cell_paragraph(left, f"Số       -BC/{symbol}", size=14)
        _cell_paragraph(right, "ĐẢNG CỘNG SẢN VIỆT NAM", size=15, bold=True, underline=True)
        _cell_paragraph(right, place_and_date(on, place_name(_unit_name(report))), size=14, italic=True, before=12)


def _chart(document, by_month: list[dict]) -> None:
    values = [row.get("value") or 0 for row in by_month]
    if not values or not any(values):
        _paragraph(document, "Trong kỳ không tiếp nhận vụ việc nào.", indent=True)
        return
    width_cm = 16.0
    picture = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, after=0)
    picture.paragraph_format.keep_with_next = True
    picture.add_run().add_picture(io.BytesIO(bar_chart_png(values)), width=Cm(width_cm), height=Cm(width_cm * 0.35))
    # Month labels and counts in columns exactly under the bars (the image has no text).
    table = document.add_table(rows=2, cols=len(values))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _cell_margins(table, 0.03)
    _widths(table, [width_cm / len(values)] * len(values))
    size = 9 if len(values) <= 12 else 8
    for column, row in enumerate(by_month):
        label = _cell_paragraph(table.rows[0].cells[column], str(row.get("label", "")), size=size)
        label.paragraph_format.keep_with_next = True
        _cell_paragraph(table.rows[1].cells[column], vn_number(row.get("value") or 0), size=size, bold=True)
    _paragraph(document, CHART_CAPTION, align=WD_ALIGN_PARAGRAPH.CENTER, size=12, italic=True, before=6)


# The sections a People's Committee reports on: consolidating party organizations is the party committee's work,
# not the state's, and a state-format report does not credit it with that.
STATE_SECTIONS = frozenset({"reception", "letters", "cases"})


def _results(document, report: Report, actor: str, state_format: bool) -> None:
    figures = report.figures
    _heading(document, "I. KẾT QUẢ THỰC HIỆN", before=6)
    number = 0
    widths = [1.0, 6.6, 2.0, 2.5, 2.2, 2.0]
    for section in figures.get("sections", []):
        if state_format and section.get("code") not in STATE_SECTIONS:
            continue
        number += 1
        title = SECTION_TITLES.get(section.get("code"), (section.get("title", ""), ""))[0]
        _heading(document, f"{number}. {title}")
        prose = PROSE.get(section.get("code"))
        if prose:
            _paragraph(document, prose(_Rows(section), actor), indent=True)
        _data_table(document, COLUMNS, _comparison_rows(section.get("rows", [])), widths)
    by_unit = figures.get("by_unit") or []
    if by_unit:
        number += 1
        _heading(document, f"{number}. Kết quả theo đơn vị trực thuộc")
        shown = [(key, label) for key, label in UNIT_FIGURES if not (state_format and key == "weak_at_end")]
        rows = [
            [str(i), row.get("unit", "")] + [row.get(key, 0) for key, _ in shown] for i, row in enumerate(by_unit, 1)
        ]
        rows.append(["", "Cộng"] + [sum(row.get(key) or 0 for row in by_unit) for key, _ in shown])
        column = 11.1 / len(shown)
        _data_table(
            document,
            ["TT", "Đơn vị"] + [label for _, label in shown],
            rows,
            [0.9, 4.3] + [column] * len(shown),
            size=11,
        )
    for key, heading in (
        ("by_field", "Vụ việc tiếp nhận theo lĩnh vực"),
        ("resolved_by_field", "Vụ việc đã giải quyết theo lĩnh vực"),
    ):
        if rows_by_field := figures.get(key) or []:
            number += 1
            _heading(document, f"{number}. {heading}")
            _data_table(document, FIELD_COLUMNS, _comparison_rows(rows_by_field), widths)
    number += 1
    _heading(document, f"{number}. Vụ việc tiếp nhận theo tháng")
    _chart(document, figures.get("by_month") or [])


def _skeleton(document, report: Report, who: str) -> None:
    """The parts the committee writes itself, as headings with a placeholder to replace."""

    def placeholder(text: str) -> None:
        _paragraph(document, f"({who} bổ sung {text})", italic=True, indent=True)

    _heading(document, "II. ĐÁNH GIÁ CHUNG", before=6)
    _heading(document, "1. Ưu điểm")
    placeholder("những kết quả nổi bật, cách làm hiệu quả …")
    _heading(document, "2. Hạn chế, nguyên nhân")
    placeholder("hạn chế, nguyên nhân khách quan, chủ quan và bài học kinh nghiệm …")
    next_period = NEXT_PERIODS.get(report.period_kind, "NĂM {next_year}")
    heading = f"III. NHIỆM VỤ, GIẢI PHÁP {next_period.format(year=report.year, next_year=report.year + 1)}"
    _heading(document, heading, before=6)
    placeholder("nhiệm vụ, giải pháp trọng tâm kỳ tới …")
    _heading(document, "IV. ĐỀ XUẤT, KIẾN NGHỊ", before=6)
    placeholder("đề xuất, kiến nghị với cấp trên …")


def _closing(document, report: Report, state_format: bool) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    _widths(table, [8.0, 8.5])
    left, right = table.rows[0].cells
    if state_format:
        # Decree 30: "Nơi nhận:" bold italic 12, the list 11.
        _cell_paragraph(left, "Nơi nhận:", size=12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        item_size = 11
    else:
        # Guidance 36-HD/VPTW: "Nơi nhận:" 14 underlined, the list 12.
        _cell_paragraph(left, "Nơi nhận:", size=14, underline=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        item_size = 12
    for line in _recipients(report, state_format):
        _cell_paragraph(left, line, size=item_size, align=WD_ALIGN_PARAGRAPH.LEFT)
    on_behalf, title = _signature(report, state_format)
    _cell_paragraph(right, on_behalf, size=14, bold=True)
    _cell_paragraph(right, title, size=14, bold=True)
    for _ in range(4):  # room for the signature and the seal
        _cell_paragraph(right, "", size=14)
    # The signer's full name under the signature (36-HD/VPTW, Decree 30/2020: bold, 14); a line to write it on when
    # the report does not name the signer yet.
    if report.signer_name:
        _cell_paragraph(right, report.signer_name, size=14, bold=True)
    else:
        _cell_paragraph(right, "(Họ và tên người ký)", size=12, italic=True)


def report_docx(report: Report, *, state_format: bool | None = None) -> bytes:
    """The report as a Word document ready for the committee to finish: header, title, the figures in prose and
    tables with the same period of last year, the by-unit and by-field tables, a chart of cases by month, then
    headings for the assessment, tasks and proposals and the signature block. `state_format` gives the Decree
    30/2020 layout of a People's Committee; by default a unit named "UBND …" gets it and a party unit does not."""
    if state_format is None:
        state_format = _unit_name(report).startswith(STATE_PREFIXES)
    document = Document()
    _base_style(document)
    _page_setup(document)
    properties = document.core_properties
    title = subtitle(report, state_format)
    properties.title = f"Báo cáo {title[:1].lower()}{title[1:]}"
    properties.author = properties.last_modified_by = _unit_name(report)
    properties.comments = properties.keywords = properties.subject = ""
    properties.created = properties.modified = report.data_cutoff or timezone.now()
    properties.revision = 1

    _header(document, report, state_format)
    _paragraph(document, "BÁO CÁO", align=WD_ALIGN_PARAGRAPH.CENTER, size=16, bold=True, before=18, after=0)
    _paragraph(document, title, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, after=0)
    _short_rule(document, 3.0, TEXT_WIDTH_CM)
    _paragraph(document, data_period_line(report), align=WD_ALIGN_PARAGRAPH.CENTER, italic=True, before=6, after=12)

    if state_format:
        actor = f"Ủy ban nhân dân {_administrative_name(_unit_name(report))}"
        who = "Ủy ban nhân dân"
    else:
        actor = committee(_unit_name(report))[0]
        who = "Cấp ủy"
    subject = STATE_SUBJECT if state_format else SUBJECT
    _paragraph(document, f"{actor} báo cáo kết quả {subject} {period_phrase(report)} như sau:", indent=True)
    _results(document, report, actor, state_format)
    _skeleton(document, report, who)
    _paragraph(document, after=6)
    _closing(document, report, state_format)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# XLSX -------------------------------------------------------------------------------------------------------------

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
COMPARISON_WIDTHS = [6, 48, 12, 18, 12, 11]


def _number_format(value, *, signed: bool = False) -> str:
    decimals = isinstance(value, float) and not value.is_integer()
    base = "#,##0.0" if decimals else "#,##0"
    return f"+{base};-{base};0" if signed else base


def _sheet(
    workbook: Workbook,
    report: Report,
    name: str,
    title: str,
    headings: list[str],
    widths: list[int],
    *,
    span: int | None = None,
):
    """A sheet with the merged bold title in row 1, the data period in row 2 and the headings in row 3. The title
    rows span the table or `span` columns, whichever is wider (a merged cell cuts off what does not fit)."""
    sheet = workbook.create_sheet(name[:31])
    last = get_column_letter(max(len(headings), span or 0))
    title_cell = write_cell(sheet, row=1, column=1, value=f"{_unit_name(report)} – {title} ({period_phrase(report)})")
    title_cell.font = Font(name=FONT, bold=True, size=13)
    sheet.merge_cells(f"A1:{last}1")
    period_cell = write_cell(sheet, row=2, column=1, value=sheet_period_line(report))
    period_cell.font = Font(name=FONT, italic=True, size=11)
    sheet.merge_cells(f"A2:{last}2")
    for column, (heading, width) in enumerate(zip(headings, widths, strict=True), start=1):
        cell = write_cell(sheet, row=3, column=column, value=heading)
        cell.font = Font(name=FONT, bold=True, size=11)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.row_dimensions[1].height = 20
    sheet.freeze_panes = "A4"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "3:3"
    return sheet


def _append(sheet, values: list, *, bold: bool = False, signed_columns: frozenset[int] = frozenset()) -> None:
    row = sheet.max_row + 1
    for column, value in enumerate(values, start=1):
        cell = write_cell(sheet, row=row, column=column, value=value)
        cell.font = Font(name=FONT, bold=bold, size=11)
        cell.border = BOX
        if isinstance(value, int | float) and not isinstance(value, bool):
            cell.number_format = _number_format(value, signed=column in signed_columns)
        if column == 1:
            cell.alignment = Alignment(horizontal="center")
        elif column == 2:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


# Figures the annex derives from others by a formula, as a committee's own spreadsheet would: correct one row and
# the totals and rates follow. Each maps to its terms (codes of the same section): ("sum", a, b) is a + b,
# ("minus", a, b) is a − b, ("rate", part, whole) is part as a per cent of whole (0 when whole is 0).
DERIVED: dict[str, dict[str, tuple[str, ...]]] = {
    "reception": {"sessions": ("sum", "regular", "periodic", "ad_hoc", "dialogues")},
    "cases": {
        "to_handle": ("sum", "new", "carried_over"),
        "resolution_rate": ("rate", "resolved", "to_handle"),
        "resolved_on_time": ("minus", "resolved", "resolved_late"),
        "complaints_rate": ("rate", "complaints_resolved", "complaints"),
        "denunciations_rate": ("rate", "denunciations_resolved", "denunciations"),
        "recommendations_rate": ("rate", "recommendations_resolved", "recommendations"),
    },
}


# A snapshot compiled before rows carried their kind: the catalogue says which figures are rates.
KINDS = {(section.code, figure.code): figure.kind for section in CATALOGUE for figure in section.figures}


def _formula(rule: tuple[str, ...], ref: Callable[[str], str | None]) -> str | None:
    """The formula of a derived figure from the cells of its terms; None when a term is not on the sheet."""
    operation, *terms = rule
    cells = [ref(term) for term in terms]
    if None in cells:
        return None
    if operation == "sum":
        return "=" + "+".join(str(cell) for cell in cells)
    if operation == "minus":
        return f"={cells[0]}-{cells[1]}"
    part, whole = cells
    return f"=IF({whole}=0,0,ROUND(100*{part}/{whole},1))"


def _comparison_sheet(workbook, report, name, title, rows: list[dict], first: str = "Chỉ tiêu", section: str = ""):
    """One table of figures beside the same period last year. The change and the per cent are formulas, and so are
    the figures DERIVED from others, so the sheet stays consistent when a committee corrects a number by hand. A
    rate's change is in percentage points and has no per cent."""
    sheet = _sheet(workbook, report, name, title, ["TT", first, *COLUMNS[2:]], COMPARISON_WIDTHS)
    start = sheet.max_row + 1
    positions = {row.get("code"): start + offset for offset, row in enumerate(rows) if row.get("code")}
    for index, row in enumerate(rows, start=1):
        _append(sheet, _table_row(index, row), signed_columns=frozenset({5, 6}))
        number = sheet.max_row
        rate = row.get("kind", KINDS.get((section, str(row.get("code"))))) == RATE
        sheet.cell(row=number, column=5).value = f"=C{number}-D{number}"
        pct = sheet.cell(row=number, column=6)
        pct.value = None if rate else f'=IF(D{number}=0,"",ROUND(100*(C{number}-D{number})/D{number},1))'
        pct.number_format = "+0.0;-0.0;0.0"
    for code, rule in DERIVED.get(section, {}).items():
        if code not in positions:
            continue
        for column in ("C", "D"):

            def ref(term: str, column: str = column) -> str | None:
                return f"{column}{positions[term]}" if term in positions else None

            formula = _formula(rule, ref)
            if formula:
                sheet[f"{column}{positions[code]}"].value = formula
    return sheet


def _bar_chart(title: str, y_title: str) -> BarChart:
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    # openpyxl 3.1 writes <c:delete val="1"/> by default, which hides both axes in current Excel.
    chart.x_axis.delete = chart.y_axis.delete = False
    chart.height, chart.width = 9, 18
    return chart


def report_xlsx(report: Report) -> bytes:
    """The annex tables as an Excel workbook: one sheet per section and per breakdown, each stating its data
    period, numbers as numbers, with native bar charts of cases by field and by month."""
    figures = report.figures
    workbook = Workbook()
    default_sheet = workbook.active
    assert isinstance(default_sheet, Worksheet)  # a new workbook's one sheet (typed as optional, of any kind)
    workbook.remove(default_sheet)
    workbook.properties.creator = workbook.properties.lastModifiedBy = _unit_name(report)
    workbook.properties.title = f"Phụ lục số liệu {period_phrase(report)}"

    for section in figures.get("sections", []):
        code = section.get("code")
        title, name = SECTION_TITLES.get(code, (section.get("title", code), ""))
        _comparison_sheet(workbook, report, name or title, title, section.get("rows", []), section=code)

    by_unit = figures.get("by_unit") or []
    headings = ["TT", "Đơn vị"] + [label for _, label in UNIT_FIGURES]
    sheet = _sheet(workbook, report, "E. Theo đơn vị", "Kết quả theo đơn vị trực thuộc", headings, [6, 36] + [14] * 6)
    sheet.row_dimensions[3].height = 32
    for index, row in enumerate(by_unit, start=1):
        _append(sheet, [index, row.get("unit", "")] + [row.get(key, 0) for key, _ in UNIT_FIGURES])
    if by_unit:
        first, last = 4, 3 + len(by_unit)
        _append(sheet, [None, "Cộng"] + [0] * len(UNIT_FIGURES), bold=True)
        for column in range(3, 3 + len(UNIT_FIGURES)):
            letter = get_column_letter(column)
            sheet[f"{letter}{sheet.max_row}"].value = f"=SUM({letter}{first}:{letter}{last})"

    by_field = figures.get("by_field") or []
    sheet = _comparison_sheet(
        workbook, report, "F. Theo lĩnh vực", "Vụ việc tiếp nhận theo lĩnh vực", by_field, first="Lĩnh vực"
    )
    if by_field:
        chart = _bar_chart("Vụ việc tiếp nhận theo lĩnh vực", "Số vụ việc")
        last = 3 + len(by_field)
        chart.add_data(Reference(sheet, min_col=3, max_col=4, min_row=3, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=2, min_row=4, max_row=last))
        sheet.add_chart(chart, "H3")

    by_month = figures.get("by_month") or []
    sheet = _sheet(
        workbook,
        report,
        "G. Theo tháng",
        "Vụ việc tiếp nhận theo tháng",
        ["TT", "Tháng", "Số vụ việc"],
        [6, 14, 14],
        span=13,  # the title rows run over the chart beside the table
    )
    for index, row in enumerate(by_month, start=1):
        _append(sheet, [index, row.get("label", ""), row.get("value") or 0])
    if by_month:
        chart = _bar_chart("Vụ việc tiếp nhận theo tháng", "Số vụ việc")
        last = 3 + len(by_month)
        chart.add_data(Reference(sheet, min_col=3, min_row=3, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=2, min_row=4, max_row=last))
        chart.legend = None
        sheet.add_chart(chart, "E3")

    _comparison_sheet(
        workbook,
        report,
        "H. Giải quyết theo lĩnh vực",
        "Vụ việc đã giải quyết theo lĩnh vực",
        figures.get("resolved_by_field") or [],
        first="Lĩnh vực",
    )
    _definitions_sheet(workbook, report, figures.get("sections", []))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _definitions_sheet(workbook: Workbook, report: Report, sections: list[dict]) -> None:
    """ "Giải thích chỉ tiêu": each figure's definition and basis as the snapshot stored them (reports/catalogue.py),
    so the annex read on its own says how every number was counted. A snapshot compiled before definitions were
    stored has none to give: the sheet is then left out rather than filled from today's catalogue."""
    rows = [(section, row) for section in sections for row in section.get("rows", []) if row.get("definition")]
    if not rows:
        return
    sheet = _sheet(
        workbook,
        report,
        "I. Giải thích chỉ tiêu",
        "Giải thích chỉ tiêu",
        ["TT", "Chỉ tiêu", "Cách tính", "Căn cứ"],
        [6, 36, 80, 36],
    )
    for index, (section, row) in enumerate(rows, start=1):
        label = f"{row.get('label', '')} ({section.get('title', '')})"
        _append(sheet, [index, label, row["definition"], row.get("basis", "")])
        for column in (3, 4):
            sheet.cell(row=sheet.max_row, column=column).alignment = Alignment(wrap_text=True, vertical="top")
