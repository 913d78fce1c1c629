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
