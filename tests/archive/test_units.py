"""Tests of the unit directory: imported from a table all or nothing, listed, deactivated, looked up."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from service.archive.lookup import DatabaseArchiveView
from service.archive.unit_table import RowProblem, UnitsRefused
from service.archive.units import (
    DirectoryEntry,
    UnknownUnit,
    deactivate_unit,
    find_unit,
    import_units,
    list_units,
)
from service.batch.validation import SnapshotArchive
from service.database.engine import Database
from service.database.schema import upgrade_to_latest
from service.foundations.config import Settings
from service.foundations.tables import TableUnreadable
from tests.conftest import SAMPLES

HEADER = "单位名称,统一社会信用代码,地址,法定代表人（负责人）"
PARTY = DirectoryEntry(
    "岳阳君信档案数字化服务有限公司",
    "91430611MA4PBN3K2X",
    "湖南省岳阳市君山区柳林洲街道君山大道168号",
    "陈志刚",
)
PARTY_ROW = ",".join([PARTY.name, PARTY.credit_code, PARTY.address, PARTY.representative])
SCHOOL_ROW = "岳阳市君山区广兴洲镇中心学校,12430611448972158K,湖南省岳阳市君山区广兴洲镇,周立"
BAD_CHECK = "91430611MA4PBN3K2Y"  # the party's code with a wrong check character
CODE = "统一社会信用代码"


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    """A migrated database of a fresh instance, on each supported database."""
    settings.instance_path.mkdir(parents=True)
    database = Database(settings.resolved_database_url)
    upgrade_to_latest(database.engine)
    yield database
    database.dispose()


def table(folder: Path, *rows: str, header: str = HEADER) -> Path:
    """Return a CSV file holding the header and the rows."""
    path = folder / "units.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def imported(database: Database, path: Path) -> list[str]:
    """Import a table and return the names added."""
    with database.session() as session:
        return import_units(session, path).added


def refused(database: Database, path: Path) -> list[RowProblem]:
    """Return the problems an import of a table is refused with."""
    with pytest.raises(UnitsRefused) as caught, database.session() as session:
        import_units(session, path)
    return caught.value.problems


def directory(database: Database) -> list[DirectoryEntry]:
    """Return every unit of the directory."""
    with database.session() as session:
        return list_units(session)


def test_sample_directory_holds_the_story_party(database: Database) -> None:
    """This test ensures that samples/units.csv imports whole, by name, with the party of the shared story."""
    added = imported(database, SAMPLES / "units.csv")
    assert len(added) >= 13 and PARTY.name in added
    units = directory(database)
    assert [unit.name for unit in units] == sorted(added)
    with database.session() as session:
        assert find_unit(session, PARTY.name) == PARTY


def test_a_bad_credit_code_refuses_the_whole_table(database: Database, tmp_path: Path) -> None:
    """This test ensures that a row with a wrong check character is named with its row number and reason, and nothing is imported."""
    bad = PARTY_ROW.replace(PARTY.credit_code, BAD_CHECK)
    problems = refused(database, table(tmp_path, SCHOOL_ROW, bad))
    assert problems == [
        RowProblem(3, CODE, f"“{BAD_CHECK}”：统一社会信用代码的校验位不对，请核对是否抄错")
    ]
    assert problems[0].line().startswith("第3行 统一社会信用代码: ")
    assert directory(database) == []


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (",91430611MA4PBN3K2X,,", "单位名称", "请填写单位名称"),
        ("某公司,,,", CODE, "请填写统一社会信用代码"),
        ("某公司,91430611MA4PBN3K2,,", CODE, "应当是18位数字或大写字母"),
        ("某公司,91430611MA4PBN3K2X,," + "长" * 21, "法定代表人（负责人）", "不能超过20个字"),
        ("某\x07公司,91430611MA4PBN3K2X,,", "单位名称", "控制字符"),
    ],
)
def test_each_bad_value_is_named_at_its_row_and_column(
    database: Database, tmp_path: Path, row: str, column: str, message: str
) -> None:
    """This test ensures that an empty, malformed, overlong or unprintable value is refused at its row and column."""
    problems = refused(database, table(tmp_path, SCHOOL_ROW, row))
    assert [(problem.row, problem.field) for problem in problems] == [(3, column)]
    assert message in problems[0].message


def test_every_bad_row_is_named_at_once(database: Database, tmp_path: Path) -> None:
    """This test ensures that all bad rows are reported together, in row order, blank rows keeping their numbers."""
    path = table(tmp_path, "甲单位,123,,", ",,,", SCHOOL_ROW, "乙单位,,,")
    assert [(problem.row, problem.field) for problem in refused(database, path)] == [
        (2, CODE),
        (5, CODE),
    ]


def test_a_unit_twice_in_one_table_is_refused(database: Database, tmp_path: Path) -> None:
    """This test ensures that a name or a credit code given twice in a table is refused at the later row."""
    again = PARTY_ROW.replace(PARTY.address, "另一个地址")
    assert refused(database, table(tmp_path, PARTY_ROW, SCHOOL_ROW, again)) == [
        RowProblem(4, "单位名称", "与第2行重复")
    ]
    other_name = PARTY_ROW.replace(PARTY.name, "岳阳君信档案服务有限公司")
    problems = refused(database, table(tmp_path, PARTY_ROW, other_name))
    assert [(problem.row, problem.field) for problem in problems] == [(3, CODE)]
    assert f"与第2行“{PARTY.name}”的统一社会信用代码相同" in problems[0].message


def test_importing_again_updates_by_name_and_reactivates(
    database: Database, tmp_path: Path
) -> None:
    """This test ensures that a known name takes the table's values and becomes active again, an unchanged one is counted."""
    imported(database, table(tmp_path, PARTY_ROW, SCHOOL_ROW))
    with database.session() as session:
        deactivate_unit(session, SCHOOL_ROW.split(",")[0])
    moved = PARTY_ROW.replace(PARTY.address, "湖南省岳阳市君山区柳林洲街道芦花路9号")
    with database.session() as session:
        report = import_units(session, table(tmp_path, moved, SCHOOL_ROW))
    assert (report.added, report.updated, report.unchanged) == (
        [],
        [PARTY.name, "岳阳市君山区广兴洲镇中心学校"],
        0,
    )
    with database.session() as session:
        party = find_unit(session, PARTY.name)
        assert party is not None and party.address == "湖南省岳阳市君山区柳林洲街道芦花路9号"
        assert find_unit(session, "岳阳市君山区广兴洲镇中心学校") is not None
        report = import_units(session, table(tmp_path, moved))
    assert (report.added, report.updated, report.unchanged) == ([], [], 1)


def test_a_code_another_active_unit_holds_is_refused(database: Database, tmp_path: Path) -> None:
    """This test ensures that a renamed unit is refused while its old name is active, and taken once that is deactivated."""
    imported(database, table(tmp_path, PARTY_ROW))
    renamed = PARTY_ROW.replace(PARTY.name, "岳阳君信数字科技有限公司")
    problems = refused(database, table(tmp_path, renamed))
    assert [(problem.row, problem.field) for problem in problems] == [(2, CODE)]
    assert f"已是名录中“{PARTY.name}”的代码" in problems[0].message
    assert f"wenshu units deactivate {PARTY.name}" in problems[0].message
    with database.session() as session:
        deactivate_unit(session, PARTY.name)
    assert imported(database, table(tmp_path, renamed)) == ["岳阳君信数字科技有限公司"]


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        ("单位名称,电话", [SCHOOL_ROW], "第1行（表头）第2列“电话”不是单位名录的列"),
        ("单位名称,地址", [SCHOOL_ROW], "第1行（表头）缺少“统一社会信用代码”一列"),
        ("单位名称,名称,统一社会信用代码", [SCHOOL_ROW], "有两列都是“单位名称”"),
        (HEADER, [], "只有表头，没有单位"),
    ],
)
def test_a_table_without_the_columns_is_unreadable(
    database: Database, tmp_path: Path, header: str, rows: list[str], message: str
) -> None:
    """This test ensures that a header naming an unknown, missing or repeated column, or no rows, is refused saying so."""
    with pytest.raises(TableUnreadable, match=message), database.session() as session:
        import_units(session, table(tmp_path, *rows, header=header))


def test_a_workbook_is_read_and_a_numeric_code_is_refused(
    database: Database, tmp_path: Path
) -> None:
    """This test ensures that an .xlsx directory is read by its header, short columns allowed, and a code stored as a number is refused as such."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["法定代表人", "名称", "信用代码"])
    sheet.append([PARTY.representative, PARTY.name, PARTY.credit_code])
    sheet.append([None, "岳阳市君山区教育局", 114306113170590194])
    path = tmp_path / "名录.xlsx"
    workbook.save(path)
    problems = refused(database, path)
    assert [(problem.row, problem.field) for problem in problems] == [(3, CODE)]
    assert "单元格是数字格式" in problems[0].message
    sheet.delete_rows(3)
    workbook.save(path)
    assert imported(database, path) == [PARTY.name]
    with database.session() as session:
        assert find_unit(session, PARTY.name) == DirectoryEntry(
            PARTY.name, PARTY.credit_code, "", PARTY.representative
        )


def test_a_deactivated_unit_is_listed_but_not_found(database: Database, tmp_path: Path) -> None:
    """This test ensures that deactivating keeps the unit in the list, marked, and out of reach of the forms."""
    imported(database, table(tmp_path, PARTY_ROW, SCHOOL_ROW))
    with database.session() as session:
        deactivate_unit(session, PARTY.name)
        assert find_unit(session, PARTY.name) is None
    assert [(unit.name, unit.active) for unit in directory(database)] == [
        ("岳阳君信档案数字化服务有限公司", False),
        ("岳阳市君山区广兴洲镇中心学校", True),
    ]
    with (
        pytest.raises(UnknownUnit, match="单位名录中没有“某某公司”"),
        database.session() as session,
    ):
        deactivate_unit(session, "某某公司")


def test_the_archive_views_give_active_units_to_the_forms(
    database: Database, tmp_path: Path
) -> None:
    """This test ensures that the forms' archive views (one document, a batch) find an active unit by name, and no other."""
    imported(database, table(tmp_path, PARTY_ROW, SCHOOL_ROW))
    with database.session() as session:
        deactivate_unit(session, "岳阳市君山区广兴洲镇中心学校")
    for view in (DatabaseArchiveView(database), SnapshotArchive(database)):
        assert view.unit(PARTY.name) == PARTY
        assert view.unit(f" {PARTY.name} ") == PARTY
        assert view.unit("岳阳市君山区广兴洲镇中心学校") is None
        assert view.unit("不在名录中的公司") is None
