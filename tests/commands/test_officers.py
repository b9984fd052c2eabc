"""Tests of wenshu officers: import a directory table, list it (as JSON too), deactivate an officer."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from service.commands.cli import main

TABLE = "姓名,执法证号,有效期至\n李建平,43061120190031,2027-12-31\n周晓燕,43061120210047,2026年6月30日\n"


def test_import_list_and_deactivate(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that officers import adds the table's officers, officers list shows them
    as text and JSON, and officers deactivate takes one out by 执法证号."""
    table = tmp_path / "执法人员.csv"
    table.write_text(TABLE, encoding="utf-8")
    result = runner.invoke(main, ["officers", "import", str(table)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "导入完成：新增2人，更新0人，未变0人"
    listed = json.loads(runner.invoke(main, ["officers", "list", "--json"]).stdout)
    assert listed == [
        {"name": "周晓燕", "certificate": "43061120210047", "valid_until": "2026-06-30",
         "active": True},
        {"name": "李建平", "certificate": "43061120190031", "valid_until": "2027-12-31",
         "active": True},
    ]  # fmt: skip
    done = runner.invoke(main, ["officers", "deactivate", "43061120210047"])
    assert done.exit_code == 0 and done.stdout.strip() == "已停用：43061120210047"
    text = runner.invoke(main, ["officers", "list"]).stdout.splitlines()
    assert "周晓燕\t43061120210047\t2026-06-30\t（已停用）" in text
    unknown = runner.invoke(main, ["officers", "deactivate", "999"])
    assert unknown.exit_code == 2 and "执法人员名录中没有执法证号“999”" in unknown.stderr


def test_a_bad_row_exits_2_naming_it_and_changes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that a table with a date that is no date exits 2 naming the row, and the
    directory stays empty."""
    table = tmp_path / "执法人员.csv"
    table.write_text(TABLE + "王五,43061100000001,明年\n", encoding="utf-8")
    result = runner.invoke(main, ["officers", "import", str(table)])
    assert result.exit_code == 2
    assert "第4行 有效期至: “明年”不是日期" in result.stderr
    assert json.loads(runner.invoke(main, ["officers", "list", "--json"]).stdout) == []
