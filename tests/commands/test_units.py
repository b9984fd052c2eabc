"""Tests of wenshu units: import a directory table, list it (as JSON too), deactivate a unit."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from service.commands.cli import main
from tests.conftest import SAMPLES

PARTY = "岳阳君信档案数字化服务有限公司"
HEADER = "单位名称,统一社会信用代码,地址,法定代表人（负责人）"


def test_import_then_list(runner: CliRunner) -> None:
    """This test ensures that units import adds the sample directory and units list shows it, as text and as JSON."""
    result = runner.invoke(main, ["units", "import", str(SAMPLES / "units.csv")])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert f"新增：{PARTY}" in lines
    added = sum(line.startswith("新增：") for line in lines)
    assert lines[-1] == f"导入完成：新增{added}个，更新0个，未变0个"
    again = runner.invoke(main, ["units", "import", str(SAMPLES / "units.csv")])
    assert again.stdout.splitlines() == [f"导入完成：新增0个，更新0个，未变{added}个"]
    listed = runner.invoke(main, ["units", "list", "--json"])
    assert listed.exit_code == 0
    units = json.loads(listed.stdout)
    assert len(units) == added
    assert next(unit for unit in units if unit["name"] == PARTY) == {
        "name": PARTY,
        "credit_code": "91430611MA4PBN3K2X",
        "address": "湖南省岳阳市君山区柳林洲街道君山大道168号",
        "representative": "陈志刚",
        "town": "",
        "category": "",
        "active": True,
    }
    text = runner.invoke(main, ["units", "list"]).stdout.splitlines()
    assert (
        f"{PARTY}\t91430611MA4PBN3K2X\t湖南省岳阳市君山区柳林洲街道君山大道168号\t陈志刚\t\t"
        in text
    )


def test_a_bad_row_exits_2_naming_it_and_changes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that a table with a bad credit code exits 2 with the row and reason, and the directory stays empty."""
    table = tmp_path / "名录.csv"
    table.write_text(
        f"{HEADER}\n岳阳市君山区教育局,114306113170590194,,\n{PARTY},91430611MA4PBN3K2Y,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["units", "import", str(table)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "第3行 统一社会信用代码: “91430611MA4PBN3K2Y”：统一社会信用代码的校验位不对，请核对是否抄错",
        "units: 单位名录未作任何改动；请改正以上各行后重新导入",
    ]
    assert json.loads(runner.invoke(main, ["units", "list", "--json"]).stdout) == []


def test_an_unreadable_table_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that a file that is no table, or is missing, exits 2 with the reason and no traceback."""
    notes = tmp_path / "名录.txt"
    notes.write_text("单位名称", encoding="utf-8")
    result = runner.invoke(main, ["units", "import", str(notes)])
    assert result.exit_code == 2
    assert result.stderr == "units: 只能读取 .xlsx 或 .csv 文件，不能读取“名录.txt”\n"
    missing = runner.invoke(main, ["units", "import", str(tmp_path / "无.csv")])
    assert missing.exit_code == 2 and missing.stderr.startswith("units: 无法读取“无.csv”")


def test_deactivate(runner: CliRunner) -> None:
    """This test ensures that units deactivate marks the unit in the list, and an unknown name exits 2."""
    runner.invoke(main, ["units", "import", str(SAMPLES / "units.csv")])
    result = runner.invoke(main, ["units", "deactivate", PARTY])
    assert (result.exit_code, result.stdout) == (0, f"已停用：{PARTY}\n")
    units = json.loads(runner.invoke(main, ["units", "list", "--json"]).stdout)
    assert next(unit["active"] for unit in units if unit["name"] == PARTY) is False
    lines = runner.invoke(main, ["units", "list"]).stdout.splitlines()
    assert [line for line in lines if line.endswith("（已停用）")] == [
        f"{PARTY}\t91430611MA4PBN3K2X\t湖南省岳阳市君山区柳林洲街道君山大道168号\t陈志刚\t\t\t（已停用）"
    ]
    unknown = runner.invoke(main, ["units", "deactivate", "某某公司"])
    assert unknown.exit_code == 2
    assert unknown.stderr.startswith("units: 单位名录中没有“某某公司”")
