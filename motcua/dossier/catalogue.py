"""The procedure catalogue's CSV format, checked whole before anything is imported.

Halls receive their share of the national catalogue of administrative procedures as
spreadsheets. An import must be all or nothing, so parsing reports every bad row at
once, with its line number, and returns rows only when all of them are good.

The file is UTF-8 (a byte-order mark, as Excel writes, is fine) with a header row naming
these columns, in any order, by their short name or by the heading of the national
public-service catalogue (Cổng Dịch vụ công quốc gia) in brackets, so a sheet copied from
the portal's procedure pages imports as it is:

- ``code`` (Mã thủ tục): the national procedure code, e.g. ``1.001234``; unique in the file.
- ``name`` (Tên thủ tục): the procedure's name.
- ``sector`` (Lĩnh vực): the sector code, e.g. ``tu-phap``.
- ``processing_time`` (Thời hạn giải quyết): the statutory processing time, a positive
  number (``0.5`` or ``0,5``; whole for calendar days), followed by its unit as the portal
  writes it (``30 ngày làm việc``, ``8 giờ làm việc``, ``15 ngày``) unless ``unit`` says it.
- ``unit`` (optional): ``working_days``, ``working_hours`` or ``calendar_days``.
- ``inter_agency`` (Liên thông): ``yes``/``no`` or ``có``/``không``.
- ``documents`` (Thành phần hồ sơ): the documents to hand in, separated by ``;`` or line
  breaks; each may end with its number of copies as the portal gives it,
  ``(Bản chính: 1, Bản sao: 0)``, or with its form alone: ``(bản chính)``, ``(bản sao)`` or
  ``(bản sao có chứng thực)``.
- ``sets`` (Số bộ hồ sơ, optional): how many sets of the documents, 1 when left out.
- ``fee`` (Phí, lệ phí, optional): the fee in đồng (``50000`` or ``50.000``), or the portal's
  wording when it is not one sum (``Miễn lệ phí``, ``8.000 đồng/bản``).
- ``result`` (Kết quả thực hiện, optional): what the citizen receives.
- ``result_place`` (Nơi trả kết quả, optional): where the result is returned.
- ``legal_basis`` (Căn cứ pháp lý, optional): the legal documents, separated by ``;`` or
  line breaks.

Files of the first layout (``code, name, sector, processing_time, unit, inter_agency,
documents, fee``) import unchanged.
"""
from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO

from motcua.dossier.calendar import Unit

REQUIRED_COLUMNS = ("code", "name", "sector", "processing_time", "inter_agency", "documents")
COLUMNS = (*REQUIRED_COLUMNS, "unit", "sets", "fee", "result", "result_place", "legal_basis")
# The national catalogue's headings (lower case) for the same columns.
NATIONAL_HEADINGS = {
    "mã thủ tục": "code",
    "tên thủ tục": "name",
    "lĩnh vực": "sector",
    "thời hạn giải quyết": "processing_time",
    "liên thông": "inter_agency",
    "thành phần hồ sơ": "documents",
    "số bộ hồ sơ": "sets",
    "phí, lệ phí": "fee",
    "kết quả thực hiện": "result",
    "nơi trả kết quả": "result_place",
    "căn cứ pháp lý": "legal_basis",
}
MAX_SETS = 20

DEMO_CATALOGUE = Path(__file__).with_name("demo_procedures.csv")
DEMO_SECTORS: dict[str, str] = {
    "dat-dai": "Đất đai",
    "moi-truong": "Môi trường, Tài nguyên nước, Khoáng sản",
    "nong-nghiep": "Nông nghiệp",
    "doanh-nghiep": "Đăng ký doanh nghiệp, Đầu tư",
    "xay-dung": "Xây dựng, Nhà ở, Quy hoạch",
    "giao-thong": "Giao thông",
    "tu-phap": "Tư pháp (Hộ tịch, Lý lịch tư pháp, Chứng thực)",
    "lao-dong": "Lao động, Việc làm, Người có công",
    "y-te": "Y tế",
    "giao-duc": "Giáo dục và Đào tạo",
    "cong-thuong": "Công Thương",
    "van-hoa": "Văn hóa, Thể thao và Du lịch",
    "khoa-hoc": "Khoa học và Công nghệ",
}


class DocumentForm(StrEnum):
    """Whether the applicant hands in the original or a copy; the receipt lists which."""

    ORIGINAL = "original"  # bản chính
    COPY = "copy"  # bản sao
    CERTIFIED_COPY = "certified_copy"  # bản sao có chứng thực


_FORMS = {
    "bản chính": DocumentForm.ORIGINAL,
    "bản sao": DocumentForm.COPY,
    "bản sao có chứng thực": DocumentForm.CERTIFIED_COPY,
    "bản sao chứng thực": DocumentForm.CERTIFIED_COPY,
}
_CODE = re.compile(r"\d\.\d{6}")
_SECTOR = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_TIME = re.compile(r"(?P<number>\d+(?:[.,]\d+)?)\s*(?P<unit>\D*)")
_UNIT_WORDS = {"ngày làm việc": Unit.WORKING_DAYS, "giờ làm việc": Unit.WORKING_HOURS,
               "ngày": Unit.CALENDAR_DAYS}
_COUNTS = re.compile(r"bản chính\s*:\s*(?P<originals>\d+)\s*[,-]?\s*bản sao\s*:\s*(?P<copies>\d+)")
_FEE_WORDS = ("đồng", "miễn", "không")
_ITEMS = re.compile(r";[ \t]*(?:\r?\n)?|\r?\n")  # ";", a line break, or both
_FEE = re.compile(r"\d+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?:,\d{3})+|\d{1,3}(?: \d{3})+")
_FEE_SUM = re.compile(rf"(?P<sum>{_FEE.pattern})(?:\s*(?:đồng|đ))?", re.IGNORECASE)
_BRACKETED_END = re.compile(r"(?P<name>.*?)\s*\((?P<note>[^()]*)\)")
_YES = {"yes": True, "có": True, "no": False, "không": False}

Source = str | bytes | os.PathLike[str] | IO[str] | IO[bytes]


@dataclass(frozen=True)
class Document:
    """A document to hand in; the numbers are 0 when the catalogue gives only its form."""

    name: str
    form: DocumentForm | None
    originals: int = 0
    copies: int = 0


@dataclass(frozen=True)
class ProcedureRow:
    """One procedure, valid, with the line it came from for later error messages."""

    line: int
    code: str
    name: str
    sector: str
    processing_time: int | float
    unit: Unit
    inter_agency: bool
    documents: tuple[Document, ...]
    fee_vnd: int | None
    sets: int = 1
    fee_note: str | None = None  # the fee as worded, when it is not one sum of đồng
    result: str = ""
    result_place: str = ""
    legal_basis: tuple[str, ...] = ()


@dataclass(frozen=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class CatalogueError(ValueError):
    """Every problem in a catalogue file, so that one round of fixes is enough."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(map(str, self.problems)))

    @property
    def lines(self) -> list[int]:
        return sorted({p.line for p in self.problems})


def parse_procedures(source: Source, *, sectors: Collection[str] | None = None) -> list[ProcedureRow]:
    """Every procedure of a catalogue CSV, or a CatalogueError listing every bad row.

    `source` is the CSV text itself (str), its raw bytes, a path, or an open file.
    With `sectors`, a row whose sector is not among them is bad too.
    """
    reader = csv.reader(io.StringIO(_read_text(source), newline=""), strict=True)
    try:
        header = [_column(name) for name in next(reader)]
    except StopIteration:
        raise CatalogueError([Problem(1, "the file is empty")]) from None
    _check_header(header)

    rows: list[ProcedureRow] = []
    problems: list[Problem] = []
    first_line_of: dict[str, int] = {}
    while True:
        line = reader.line_num + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.append(Problem(line, f"unreadable CSV ({exc}); nothing after it was read"))
            break
        if not any(field.strip() for field in record):
            continue
        if len(record) != len(header):
            problems.append(Problem(line, f"{len(record)} fields where the header has {len(header)}"))
            continue
        fields = {name: value.strip() for name, value in zip(header, record, strict=True)}
        row, messages = _parse_row(line, fields, sectors)
        code = fields["code"]
        if code in first_line_of:
            messages.append(f"code {code} is already on line {first_line_of[code]}")
        else:
            first_line_of[code] = line
        problems.extend(Problem(line, message) for message in messages)
        if row is not None and not messages:
            rows.append(row)
    if not rows and not problems:
        problems.append(Problem(2, "the file has a header but no procedures"))
    if problems:
        raise CatalogueError(problems)
    return rows


def _read_text(source: Source) -> str:
    if isinstance(source, os.PathLike):
        source = Path(source).read_bytes()
    elif not isinstance(source, (str, bytes)):
        source = source.read()
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = source.count(b"\n", 0, exc.start) + 1
            raise CatalogueError(
                [Problem(line, "the file is not UTF-8 text; save it as CSV UTF-8")]
            ) from None
    else:
        text = source
    # Spreadsheets may hand over decomposed Vietnamese; compare and store composed.
    return unicodedata.normalize("NFC", text.removeprefix("\ufeff"))


def _column(heading: str) -> str:
    name = " ".join(heading.split()).lower()
    return NATIONAL_HEADINGS.get(name, name)


def _check_header(header: list[str]) -> None:
    messages = []
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        messages.append(f"missing columns: {', '.join(missing)}")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        messages.append(f"unknown columns: {', '.join(unknown)} (the columns are {', '.join(COLUMNS)})")
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        messages.append(f"repeated columns: {', '.join(repeated)}")
    if messages:
        raise CatalogueError([Problem(1, message) for message in messages])


def _parse_row(
    line: int, fields: dict[str, str], sectors: Collection[str] | None
) -> tuple[ProcedureRow | None, list[str]]:
    messages: list[str] = []
    code, name, sector = fields["code"], fields["name"], fields["sector"]
    if not _CODE.fullmatch(code):
        messages.append(f"code {code!r} is not a national procedure code like 1.001234")
    if not name:
        messages.append("the name is empty")
    if not _SECTOR.fullmatch(sector):
        messages.append(f"sector {sector!r} is not a sector code like tu-phap")
    elif sectors is not None and sector not in sectors:
        messages.append(f"unknown sector {sector!r}")

    processing_time, unit = _processing_time(fields["processing_time"], fields.get("unit", ""),
                                             messages)

    inter_agency = _YES.get(fields["inter_agency"].lower())
    if inter_agency is None:
        messages.append(f"inter_agency {fields['inter_agency']!r} is not yes/no (có/không)")
    documents = _documents(fields["documents"], messages)

    fee, fee_note = _fee(fields.get("fee", ""), messages)
    sets = 1
    raw_sets = fields.get("sets", "")
    if raw_sets:
        if raw_sets.isdigit() and 1 <= int(raw_sets) <= MAX_SETS:
            sets = int(raw_sets)
        else:
            messages.append(f"sets {raw_sets!r} is not a number of sets from 1 to {MAX_SETS}")

    if messages or unit is None or processing_time is None or inter_agency is None:
        return None, messages
    return ProcedureRow(
        line, code, name, sector, processing_time, unit, inter_agency, documents, fee,
        sets=sets, fee_note=fee_note, result=fields.get("result", ""),
        result_place=fields.get("result_place", ""),
        legal_basis=tuple(_items(fields.get("legal_basis", ""))),
    ), messages


def _items(raw: str) -> list[str]:
    return [item for item in (part.strip() for part in _ITEMS.split(raw)) if item]


# Past these, a number is a typing mistake (a due date centuries away, or past what the
# calendar and the database hold): a year of each unit, and ten billion đồng.
LONGEST = {Unit.WORKING_DAYS: 260, Unit.CALENDAR_DAYS: 366, Unit.WORKING_HOURS: 260 * 8}
HIGHEST_FEE = 10_000_000_000


def _fee(raw: str, messages: list[str]) -> tuple[int | None, str | None]:
    """A sum of đồng, or the portal's wording when the fee is not one sum (or none)."""
    if not raw:
        return None, None
    sum_of_dong = _FEE_SUM.fullmatch(raw)
    if sum_of_dong is not None:
        fee = int(re.sub(r"[., ]", "", sum_of_dong["sum"]))
        if fee > HIGHEST_FEE:
            messages.append(f"fee {raw!r} is more than {HIGHEST_FEE:,} đồng")
            return None, None
        return fee, None
    if any(word in raw.lower() for word in _FEE_WORDS):
        return None, raw
    messages.append(f"fee {raw!r} is not a whole number of đồng nor a wording with "
                    "'đồng' or 'miễn'")
    return None, None


def _processing_time(
    raw: str, raw_unit: str, messages: list[str]
) -> tuple[int | float | None, Unit | None]:
    """The number and its unit, from the unit column or the words after the number."""
    found = _TIME.fullmatch(raw)
    if found is None or not _NUMBER.fullmatch(found["number"]):
        messages.append(f"processing_time {raw!r} is not a number")
        return None, None
    unit: Unit | None = None
    words = " ".join(found["unit"].split()).lower()
    if words:
        unit = _UNIT_WORDS.get(words)
        if unit is None:
            messages.append(f"processing_time {raw!r}: the unit is not one of "
                            f"{', '.join(_UNIT_WORDS)}")
    if raw_unit:
        try:
            given = Unit(raw_unit)
        except ValueError:
            messages.append(f"unit {raw_unit!r} is not one of {', '.join(Unit)}")
            return None, None
        if unit is not None and unit is not given:
            messages.append(f"processing_time {raw!r} and unit {raw_unit!r} disagree")
            return None, None
        unit = given
    elif not words:
        messages.append(f"processing_time {raw!r} has no unit: write e.g. '{raw} ngày làm việc'"
                        " or add the unit column")
    if unit is None:
        return None, None
    value = float(found["number"].replace(",", "."))
    if value <= 0:
        messages.append("processing_time must be more than 0")
        return None, unit
    if value > LONGEST[unit]:
        messages.append(f"processing_time {raw!r} is longer than a year")
        return None, unit
    if value.is_integer():
        return int(value), unit
    if unit is Unit.CALENDAR_DAYS:
        messages.append(f"processing_time {raw!r} must be a whole number of calendar days")
        return None, unit
    return value, unit


def _documents(raw: str, messages: list[str]) -> tuple[Document, ...]:
    items = [item.strip() for item in _ITEMS.split(raw.strip().removesuffix(";"))]
    if items == [""]:
        messages.append("no documents listed")
        return ()
    documents = []
    for item in items:
        name, form, originals, copies = item, None, 0, 0
        bracketed = _BRACKETED_END.fullmatch(item)
        if bracketed:
            note = bracketed["note"].strip().lower()
            counts = _COUNTS.fullmatch(note)
            if counts is not None:
                originals, copies = int(counts["originals"]), int(counts["copies"])
                if originals + copies == 0:
                    messages.append(f"document {item!r}: no original and no copy")
                    continue
                name = bracketed["name"]
                form = DocumentForm.ORIGINAL if originals else DocumentForm.COPY
            elif note in _FORMS:
                name, form = bracketed["name"], _FORMS[note]
            elif note.startswith("bản "):
                messages.append(f"document {item!r}: unknown form ({bracketed['note']})")
                continue
        if not name:
            messages.append(
                f"a document without a name: {item!r}" if item else "an empty document between two ';'"
            )
            continue
        documents.append(Document(name, form, originals, copies))
    return tuple(documents)
