"""`motcua procedures import`: the whole file or nothing, bad rows named by their lines."""
from __future__ import annotations

from sqlalchemy import func, select

from motcua.dossier.catalogue import DEMO_CATALOGUE
from motcua.dossier.models import Holiday, Procedure
from motcua.queue.models import TicketEvent

HEADER = "code,name,sector,processing_time,unit,inter_agency,documents,fee\n"
GOOD = ('1.001193,Đăng ký khai sinh,tu-phap,8,working_hours,no,'
        '"Tờ khai đăng ký khai sinh (bản chính); Giấy chứng sinh (bản chính)",\n')


def count(session) -> int:
    return session.scalar(select(func.count(Procedure.id))) or 0


def test_a_file_with_a_bad_row_imports_nothing_and_names_the_line(runner, session, demo_hall, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(HEADER + GOOD + "1.000894,Đăng ký kết hôn,tu-phap,mười,working_hours,no,Tờ khai (bản chính),\n"
                    + "2.000815,Chứng thực bản sao,khong-co,4,working_hours,no,Bản chính (bản chính),\n",
                    encoding="utf-8")
    result = runner.invoke(args=["procedures", "import", str(path), "--hall", "demo"])
    assert result.exit_code != 0
    assert f"{path}:3: processing_time 'mười' is not a number" in result.output
    assert f"{path}:4: unknown sector 'khong-co'" in result.output
    assert result.output.strip().splitlines()[-1] == f"Error: nothing imported: 2 bad line(s) in {path}"
    assert count(session) == 0


def test_a_good_file_is_imported_and_a_second_import_updates_it(runner, session, demo_hall, tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    first = runner.invoke(args=["procedures", "import", str(path)])  # the only hall
    assert first.exit_code == 0, first.output
    assert "1 procedures added, 0 updated" in first.output
    path.write_text(HEADER + GOOD.replace(",8,", ",4,"), encoding="utf-8")
    again = runner.invoke(args=["procedures", "import", str(path), "--hall", "demo"])
    assert "0 procedures added, 1 updated" in again.output
    session.expire_all()
    procedure = session.scalar(select(Procedure))
    assert (procedure.processing_time, procedure.unit, procedure.sector.code) == (4, "working_hours", "tu-phap")
    assert procedure.documents == [
        {"name": "Tờ khai đăng ký khai sinh", "form": "original", "originals": 0, "copies": 0},
        {"name": "Giấy chứng sinh", "form": "original", "originals": 0, "copies": 0}]
    audit = session.scalars(select(TicketEvent).where(TicketEvent.kind == "procedures_imported")).all()
    assert [(e.actor, e.data) for e in audit] == [("system:motcua", {"added": 1, "updated": 0}),
                                                  ("system:motcua", {"added": 0, "updated": 1})]


def test_a_missing_file_or_hall_is_one_line_and_a_non_zero_exit(runner, demo_hall, tmp_path):
    missing = runner.invoke(args=["procedures", "import", str(tmp_path / "none.csv")])
    assert missing.exit_code != 0 and missing.output.strip() == f"Error: {tmp_path / 'none.csv'}: no such file"
    path = tmp_path / "c.csv"
    path.write_text(HEADER + GOOD, encoding="utf-8")
    unknown = runner.invoke(args=["procedures", "import", str(path), "--hall", "nowhere"])
    assert unknown.exit_code != 0 and unknown.output.strip() == "Error: No hall with code 'nowhere'"


def test_the_demo_command_loads_the_demo_catalogue_and_default_holidays(runner, session):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "demo catalogue: 39 procedures" in result.output
    assert count(session) == len(DEMO_CATALOGUE.read_text(encoding="utf-8").strip().splitlines()) - 1
    days = {h.day.isoformat() for h in session.scalars(select(Holiday))}
    assert {"2026-04-30", "2026-09-02", "2027-01-01"} <= days


NATIONAL = ("Mã thủ tục,Tên thủ tục,Lĩnh vực,Thời hạn giải quyết,Liên thông,Thành phần hồ sơ,"
            "Số bộ hồ sơ,\"Phí, lệ phí\",Kết quả thực hiện,Nơi trả kết quả,Căn cứ pháp lý\n")


def test_a_sheet_in_the_national_layout_imports_its_fields_or_names_its_bad_lines(
        runner, session, demo_hall, tmp_path):
    path = tmp_path / "dvc.csv"
    good = ('1.000894,Đăng ký kết hôn,tu-phap,8 giờ làm việc,không,'
            '"Tờ khai đăng ký kết hôn (Bản chính: 1, Bản sao: 0)\nCăn cước của hai bên (Bản chính: 2, Bản sao: 0)",'
            '1,Miễn lệ phí,Giấy chứng nhận kết hôn,Bộ phận Một cửa,Luật Hộ tịch số 60/2014/QH13\n')
    bad = '2.000815,Chứng thực bản sao,tu-phap,4 giờ,không,Bản sao (Bản chính: 0 - Bản sao: 1),0,,,,\n'
    path.write_text(NATIONAL + good + bad, encoding="utf-8")
    refused = runner.invoke(args=["procedures", "import", str(path), "--hall", "demo"])
    assert refused.exit_code != 0
    assert f"{path}:4: processing_time '4 giờ': the unit is not one of" in refused.output
    assert f"{path}:4: sets '0' is not a number of sets from 1 to 20" in refused.output
    assert count(session) == 0

    path.write_text(NATIONAL + good, encoding="utf-8")
    assert runner.invoke(args=["procedures", "import", str(path), "--hall", "demo"]).exit_code == 0
    session.rollback()  # end the read that counted nothing, to see the import
    procedure = session.scalar(select(Procedure))
    assert procedure.documents[1] == {"name": "Căn cước của hai bên", "form": "original",
                                      "originals": 2, "copies": 0}
    assert (procedure.fee_note, procedure.result, procedure.result_place) == (
        "Miễn lệ phí", "Giấy chứng nhận kết hôn", "Bộ phận Một cửa")
    assert procedure.legal_basis == ["Luật Hộ tịch số 60/2014/QH13"]
