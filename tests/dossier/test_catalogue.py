"""Parsing the procedure catalogue CSV: all rows good, or every bad one reported."""
from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Collection
from pathlib import Path

import pytest

from motcua.dossier.calendar import Unit
from motcua.dossier.catalogue import (
    DEMO_CATALOGUE,
    DEMO_SECTORS,
    CatalogueError,
    Document,
    DocumentForm,
    parse_procedures,
)

HEADER = "code,name,sector,processing_time,unit,inter_agency,documents,fee"
GOOD = (
    "1.001193,Đăng ký khai sinh,tu-phap,8,working_hours,no,"
    '"Tờ khai (bản chính); Giấy chứng sinh (bản chính)",0'
)


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def row(code: str = "1.000001", *, time: str = "3", unit: str = "working_days", **fields: str) -> str:
    values = {
        "name": "Cấp giấy phép",
        "sector": "cong-thuong",
        "inter_agency": "no",
        "documents": "Đơn đề nghị (bản chính)",
        "fee": "",
        **fields,
    }
    line = io.StringIO()
    csv.writer(line, lineterminator="\n").writerow(
        [
            code,
            values["name"],
            values["sector"],
            time,
            unit,
            values["inter_agency"],
            values["documents"],
            values["fee"],
        ]
    )
    return line.getvalue().removesuffix("\n")


def problems_of(source: str | bytes, sectors: Collection[str] | None = None) -> list[str]:
    with pytest.raises(CatalogueError) as caught:
        parse_procedures(source, sectors=sectors)
    return [str(p) for p in caught.value.problems]


def test_the_demo_catalogue_parses_with_its_sectors() -> None:
    procedures = parse_procedures(DEMO_CATALOGUE, sectors=DEMO_SECTORS)
    assert 30 <= len(procedures) <= 40
    assert {p.sector for p in procedures} == set(DEMO_SECTORS)
    assert {p.unit for p in procedures} == set(Unit)
    assert any(p.inter_agency for p in procedures)
    assert all(p.documents for p in procedures)


def test_the_demo_catalogue_has_the_statutory_times_of_well_known_procedures() -> None:
    by_name = {p.name: p for p in parse_procedures(DEMO_CATALOGUE)}
    assert (by_name["Đăng ký khai sinh"].processing_time, by_name["Đăng ký khai sinh"].unit) == (
        8,
        Unit.WORKING_HOURS,
    )
    certify = by_name["Chứng thực bản sao từ bản chính giấy tờ, văn bản"]
    assert (certify.processing_time, certify.unit) == (4, Unit.WORKING_HOURS)


def test_a_file_with_bad_rows_reports_every_bad_line_and_returns_nothing() -> None:
    text = csv_text(
        row("1.000001"),
        row("1.000002"),
        row("1.000003", time="ba mươi"),
        row("1.000004"),
        row("1.000005", unit="working_weeks"),
    )
    with pytest.raises(CatalogueError) as caught:
        parse_procedures(text)
    assert caught.value.lines == [4, 6]
    assert "line 4: processing_time 'ba mươi' is not a number" in str(caught.value)
    assert "line 6: unit 'working_weeks' is not one of working_days, working_hours, calendar_days" in str(
        caught.value
    )


def test_every_problem_of_a_row_is_reported() -> None:
    problems = problems_of(csv_text(row("1234", time="0", inter_agency="maybe", documents="", fee="free")))
    assert len(problems) == 5
    assert all(p.startswith("line 2: ") for p in problems)


def test_a_repeated_code_is_an_error_naming_its_first_line() -> None:
    assert problems_of(csv_text(row("1.000001"), row("1.000002"), row("1.000001"))) == [
        "line 4: code 1.000001 is already on line 2"
    ]


def test_a_row_is_parsed_into_typed_fields() -> None:
    [procedure] = parse_procedures(
        csv_text(
            row(
                "2.000815",
                time="0,5",
                inter_agency="Có",
                documents="Tờ khai (bản chính); CCCD (bản sao); Văn bằng (bản sao có chứng thực); Ảnh 4x6 cm",
                fee="1.500.000",
            )
        )
    )
    assert procedure.line == 2
    assert procedure.code == "2.000815"
    assert procedure.processing_time == 0.5
    assert procedure.unit is Unit.WORKING_DAYS
    assert procedure.inter_agency is True
    assert procedure.documents == (
        Document("Tờ khai", DocumentForm.ORIGINAL),
        Document("CCCD", DocumentForm.COPY),
        Document("Văn bằng", DocumentForm.CERTIFIED_COPY),
        Document("Ảnh 4x6 cm", None),
    )
    assert procedure.fee_vnd == 1_500_000


def test_whole_processing_times_stay_whole() -> None:
    [procedure] = parse_procedures(csv_text(row(time="30")))
    assert procedure.processing_time == 30 and isinstance(procedure.processing_time, int)


def test_a_bracketed_note_that_is_not_a_form_stays_in_the_document_name() -> None:
    [procedure] = parse_procedures(csv_text(row(documents="Giấy tờ chứng minh nơi cư trú (nếu có)")))
    assert procedure.documents == (Document("Giấy tờ chứng minh nơi cư trú (nếu có)", None),)


def test_an_unknown_document_form_is_an_error() -> None:
    assert problems_of(csv_text(row(documents="Tờ khai (bản photo)"))) == [
        "line 2: document 'Tờ khai (bản photo)': unknown form (bản photo)"
    ]


def test_an_empty_document_between_separators_is_an_error_but_a_final_separator_is_not() -> None:
    assert problems_of(csv_text(row(documents="Tờ khai;;Ảnh"))) == [
        "line 2: an empty document between two ';'"
    ]
    [procedure] = parse_procedures(csv_text(row(documents="Tờ khai; Ảnh;")))
    assert [d.name for d in procedure.documents] == ["Tờ khai", "Ảnh"]


def test_calendar_days_must_be_whole() -> None:
    assert problems_of(csv_text(row(time="1.5", unit="calendar_days"))) == [
        "line 2: processing_time '1.5' must be a whole number of calendar days"
    ]


@pytest.mark.parametrize(("time", "unit"), [
    ("99999999999999999999", "working_days"), ("261", "working_days"),
    ("367", "calendar_days"), ("2081", "working_hours")])
def test_a_processing_time_longer_than_a_year_is_an_error(time: str, unit: str) -> None:
    """A typing mistake: a due date centuries away, or past what a date can hold."""
    assert problems_of(csv_text(row(time=time, unit=unit))) == [
        f"line 2: processing_time {time!r} is longer than a year"]


def test_a_fee_past_ten_billion_dong_is_an_error() -> None:
    assert problems_of(csv_text(row(fee="99999999999999999999999"))) == [
        "line 2: fee '99999999999999999999999' is more than 10,000,000,000 đồng"]


@pytest.mark.parametrize(
    ("raw", "fee"), [("", None), ("0", 0), ("50000", 50_000), ("50.000", 50_000), ("2,000", 2_000),
                     ("100.000 đồng", 100_000), ("135.000đ", 135_000)]
)
def test_fees_are_whole_dong_or_absent(raw: str, fee: int | None) -> None:
    [procedure] = parse_procedures(csv_text(row(fee=raw)))
    assert procedure.fee_vnd == fee


def test_the_fee_column_may_be_left_out() -> None:
    header = HEADER.removesuffix(",fee")
    [procedure] = parse_procedures(csv_text(GOOD.removesuffix(",0"), header=header))
    assert procedure.fee_vnd is None


def test_unknown_sectors_are_errors_when_the_sectors_are_given() -> None:
    assert problems_of(csv_text(row(sector="hai-quan")), sectors=DEMO_SECTORS) == [
        "line 2: unknown sector 'hai-quan'"
    ]


def test_a_row_with_the_wrong_number_of_fields_is_an_error() -> None:
    assert problems_of(csv_text(GOOD, "1.000002,Cấp phép,tu-phap,3")) == [
        "line 3: 4 fields where the header has 8"
    ]


def test_line_numbers_count_blank_lines_and_multi_line_fields() -> None:
    multi_line = row("1.000001", documents="Tờ khai (bản chính);\nẢnh (bản chính)")
    text = csv_text(multi_line, "", row("1.000002", unit="days"))
    assert problems_of(text) == [
        "line 5: unit 'days' is not one of working_days, working_hours, calendar_days"
    ]


def test_a_header_with_missing_and_unknown_columns_is_reported_on_line_one() -> None:
    problems = problems_of(csv_text(GOOD, header="code,name,sector,time,unit,inter_agency,documents,fee"))
    assert problems == [
        "line 1: missing columns: processing_time",
        "line 1: unknown columns: time (the columns are code, name, sector, processing_time,"
        " inter_agency, documents, unit, sets, fee, result, result_place, legal_basis)",
    ]


def test_columns_may_come_in_any_order_and_any_case() -> None:
    header = "Name,Code,Sector,Processing_Time,Unit,Inter_Agency,Documents"
    [procedure] = parse_procedures(
        csv_text('Đăng ký khai sinh,1.001193,tu-phap,8,working_hours,no,"Tờ khai"', header=header)
    )
    assert (procedure.code, procedure.name) == ("1.001193", "Đăng ký khai sinh")


def test_an_empty_file_and_a_header_alone_are_errors() -> None:
    assert problems_of("") == ["line 1: the file is empty"]
    assert problems_of(csv_text()) == ["line 2: the file has a header but no procedures"]


def test_excel_utf8_with_bom_and_decomposed_vietnamese_are_read_as_composed_text() -> None:
    text = "\ufeff" + unicodedata.normalize("NFD", csv_text(GOOD))
    [procedure] = parse_procedures(text.encode("utf-8"))
    assert procedure.name == "Đăng ký khai sinh"
    assert procedure.documents[0] == Document("Tờ khai", DocumentForm.ORIGINAL)


def test_a_file_that_is_not_utf8_is_refused_with_the_line_of_the_first_bad_byte() -> None:
    data = csv_text(row("1.000001")).encode("utf-8") + row("1.000002", name="Café", documents="Menu").encode(
        "latin-1"
    )
    assert problems_of(data) == ["line 3: the file is not UTF-8 text; save it as CSV UTF-8"]


def test_paths_and_open_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "procedures.csv"
    path.write_text(csv_text(GOOD), encoding="utf-8")
    assert parse_procedures(path)[0].code == "1.001193"
    with path.open(encoding="utf-8") as text_file:
        assert parse_procedures(text_file)[0].code == "1.001193"
    assert parse_procedures(io.BytesIO(path.read_bytes()))[0].code == "1.001193"


def test_broken_csv_quoting_is_reported_where_it_starts() -> None:
    problems = problems_of(
        csv_text(row("1.000001"), '1.000002,"Cấp phép"x,cong-thuong,3,working_days,no,Đơn,')
    )
    assert len(problems) == 1 and problems[0].startswith("line 3: unreadable CSV")


NATIONAL_HEADER = ("Mã thủ tục,Tên thủ tục,Lĩnh vực,Thời hạn giải quyết,Liên thông,Thành phần hồ sơ,"
                   "Số bộ hồ sơ,\"Phí, lệ phí\",Kết quả thực hiện,Nơi trả kết quả,Căn cứ pháp lý")


def test_a_sheet_with_the_national_catalogues_headings_is_read_with_every_field() -> None:
    national = (
        '1.001193,Đăng ký khai sinh,tu-phap,Ngay trong ngày làm việc,không,x,1,,,,\n'
    )
    assert problems_of(csv_text(national, header=NATIONAL_HEADER))[0].startswith(
        "line 2: processing_time 'Ngay trong ngày làm việc' is not a number")
    good = (
        '1.001193,Đăng ký khai sinh,tu-phap,1 ngày làm việc,không,'
        '"Tờ khai đăng ký khai sinh (Bản chính: 1, Bản sao: 0)\nGiấy chứng sinh (Bản chính: 1 - Bản sao: 0)",'
        '2,Miễn lệ phí,Giấy khai sinh (bản chính),Bộ phận Một cửa UBND phường,'
        '"Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP"'
    )
    [procedure] = parse_procedures(csv_text(good, header=NATIONAL_HEADER))
    assert (procedure.processing_time, procedure.unit) == (1, Unit.WORKING_DAYS)
    assert procedure.documents == (
        Document("Tờ khai đăng ký khai sinh", DocumentForm.ORIGINAL, originals=1, copies=0),
        Document("Giấy chứng sinh", DocumentForm.ORIGINAL, originals=1, copies=0),
    )
    assert (procedure.sets, procedure.fee_vnd, procedure.fee_note) == (2, None, "Miễn lệ phí")
    assert procedure.result == "Giấy khai sinh (bản chính)"
    assert procedure.result_place == "Bộ phận Một cửa UBND phường"
    assert procedure.legal_basis == ("Luật Hộ tịch 2014", "Nghị định 123/2015/NĐ-CP")


@pytest.mark.parametrize(("raw", "expected"), [
    ("30 ngày làm việc", (30, Unit.WORKING_DAYS)),
    ("0,5 ngày làm việc", (0.5, Unit.WORKING_DAYS)),
    ("8 Giờ làm việc", (8, Unit.WORKING_HOURS)),
    ("15 ngày", (15, Unit.CALENDAR_DAYS)),
])
def test_the_processing_time_may_carry_its_unit_as_the_portal_writes_it(
    raw: str, expected: tuple[float, Unit]
) -> None:
    [procedure] = parse_procedures(csv_text(row(time=raw, unit="")))
    assert (procedure.processing_time, procedure.unit) == expected


def test_a_processing_time_without_a_unit_or_with_a_disagreeing_one_is_an_error() -> None:
    assert problems_of(csv_text(row(time="3", unit=""), row("1.000002", time="3 ngày", unit="working_days"),
                                row("1.000003", time="3 tuần", unit=""))) == [
        "line 2: processing_time '3' has no unit: write e.g. '3 ngày làm việc' or add the unit column",
        "line 3: processing_time '3 ngày' and unit 'working_days' disagree",
        "line 4: processing_time '3 tuần': the unit is not one of ngày làm việc, giờ làm việc, ngày",
    ]


def test_document_counts_must_name_at_least_one_paper() -> None:
    assert problems_of(csv_text(row(documents="Tờ khai (Bản chính: 0, Bản sao: 0)"))) == [
        "line 2: document 'Tờ khai (Bản chính: 0, Bản sao: 0)': no original and no copy"
    ]
    [procedure] = parse_procedures(csv_text(row(documents="Sổ hộ khẩu (Bản chính: 0 - Bản sao: 2)")))
    assert procedure.documents == (Document("Sổ hộ khẩu", DocumentForm.COPY, originals=0, copies=2),)


def test_a_fee_in_words_is_kept_as_worded_and_other_words_are_errors() -> None:
    [procedure] = parse_procedures(csv_text(row(fee="8.000 đồng/bản")))
    assert (procedure.fee_vnd, procedure.fee_note) == (None, "8.000 đồng/bản")
    assert problems_of(csv_text(row(fee="free"))) == [
        "line 2: fee 'free' is not a whole number of đồng nor a wording with 'đồng' or 'miễn'"
    ]


def test_sets_are_a_small_positive_number() -> None:
    header = HEADER + ",sets"
    assert problems_of(csv_text(row() + ",0", header=header)) == [
        "line 2: sets '0' is not a number of sets from 1 to 20"
    ]
    [procedure] = parse_procedures(csv_text(row() + ",3", header=header))
    assert procedure.sets == 3
