"""Tests of `wenshu draw make` and `wenshu draw verify LIST.pdf`: the draw redone from the issued list alone."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from click.testing import CliRunner

from service.acts.drawing import make_draw
from service.acts.issuing import issue_document
from service.background.startup import prepare_service
from service.commands.cli import main
from service.foundations.config import load_settings
from service.render.office.pool import OfficePool
from service.render.pdfa import read_source
from service.services import Wenshu
from tests import pdfcheck
from tests.conftest import SAMPLES, sample
from tests.pdfedit import replace_printed, replace_source

SEED = "0d2836214691281628ddcbe635d7b3b2"


@pytest.fixture(scope="module")
def issued_list(tmp_path_factory: pytest.TempPathFactory, office_pool: OfficePool) -> Path:
    """A sampling list drawn and issued from the sample, rendered by the real LibreOffice."""
    folder = tmp_path_factory.mktemp("drawn-list")
    wenshu = Wenshu.open(load_settings({"instance_path": folder / "instance"}), office_pool)
    try:
        prepare_service(wenshu)
        # One seed for every run: which units are drawn decides where their names wrap, and
        # the forgery below needs the first one printed on one line of the list.
        with mock.patch("forms.sampling_list.new_seed", return_value=SEED):
            drawn = make_draw(wenshu, "sampling_list", sample("sampling_list"), "王文书")
        document = issue_document(wenshu, "sampling_list", drawn.facts, "王文书")
        return Path(shutil.copy(wenshu.archive.absolute(document.pdf_path), folder / "list.pdf"))
    finally:
        wenshu.database.dispose()


@pytest.fixture
def copy_of_list(issued_list: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the issued list, to alter."""
    yield Path(shutil.copy(issued_list, tmp_path / "list.pdf"))


def verify(path: Path) -> tuple[int, str, str]:
    """Return the exit code, output and error output of `wenshu draw verify path`."""
    result = CliRunner().invoke(main, ["draw", "verify", str(path)])
    return result.exit_code, result.stdout, result.stderr


def first_unit(path: Path) -> str:
    """Return the first drawn unit the list's record names."""
    unit: str = json.loads(read_source(path))["drawn"][0]["unit"]
    return unit


@pytest.mark.office
def test_an_issued_list_verifies(issued_list: Path) -> None:
    """This test ensures that a list as issued is its draw done again: exit 0 and a line saying so."""
    code, out, err = verify(issued_list)
    assert (code, err) == (0, ""), out
    record = json.loads(read_source(issued_list))
    assert out.startswith(f"一致：按随机种子 {record['seed']} 重新抽取，名单所列6家单位")
    assert pdfcheck.pdfa_violations(issued_list) == []


@pytest.mark.office
def test_a_list_whose_printed_unit_was_altered_fails(copy_of_list: Path) -> None:
    """This test ensures that a drawn unit edited in the printed text is named as the first difference, exit 1."""
    unit = first_unit(copy_of_list)
    forged = unit[:-3] + unit[-2] + unit[-3] + unit[-1]
    replace_printed(copy_of_list, unit, forged)
    assert forged in pdfcheck.poppler_text(copy_of_list)
    code, out, _ = verify(copy_of_list)
    assert code == 1
    assert out.strip() == (
        f"不符：印出的名单第1行“被抽查单位”为“{forged}”，按抽取记录重新抽取应为“{unit}”"
    )


@pytest.mark.office
def test_a_list_whose_recorded_unit_was_altered_fails(copy_of_list: Path) -> None:
    """This test ensures that a drawn unit edited in the XMP record is named as the first difference, exit 1."""
    unit = first_unit(copy_of_list)
    replace_source(copy_of_list, f'"unit":"{unit}"', '"unit":"岳阳市君山区某某局"')
    code, out, _ = verify(copy_of_list)
    assert code == 1
    assert out.strip() == (
        f"不符：名单第1家单位为“岳阳市君山区某某局”，按随机种子和单位名录重新抽取应为“{unit}”"
    )


@pytest.mark.office
def test_a_register_altered_in_the_record_alone_fails_on_the_print(copy_of_list: Path) -> None:
    """This test ensures that a record whose register no longer matches the printed one fails, exit 1."""
    record = json.loads(read_source(copy_of_list))
    drawn = {row["unit"] for row in record["drawn"]}
    spare = next(unit["name"] for unit in record["register"] if unit["name"] not in drawn)
    replace_source(copy_of_list, f'"name":"{spare}"', '"name":"岳阳市君山区另一单位"')
    code, out, _ = verify(copy_of_list)
    assert code == 1
    assert out.startswith("不符：")


@pytest.mark.office
def test_a_pdf_that_is_not_a_list_is_exit_2(tmp_path: Path, office_pool: OfficePool) -> None:
    """This test ensures that a PDF with no draw record, a broken record, or no PDF at all exits 2."""
    wenshu = Wenshu.open(load_settings({"instance_path": tmp_path / "instance"}), office_pool)
    prepare_service(wenshu)
    notice = issue_document(wenshu, "supervision_notice", sample("supervision_notice"), "王文书")
    code, out, err = verify(wenshu.archive.absolute(notice.pdf_path))
    wenshu.database.dispose()
    assert (code, out) == (2, "")
    assert "没有抽取记录：不是由本系统生成的双随机抽查名单" in err
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7 not really")
    code, _, err = verify(garbage)
    assert code == 2 and "无法读取" in err
    assert verify(tmp_path / "missing.pdf")[0] == 2


@pytest.mark.office
def test_a_broken_record_is_exit_2(copy_of_list: Path) -> None:
    """This test ensures that a record that is no longer JSON is reported unreadable, exit 2."""
    replace_source(copy_of_list, '"procedure"', '"procedure')
    code, _, err = verify(copy_of_list)
    assert code == 2 and "抽取记录无法读取" in err


@pytest.mark.office
def test_drawn_on_the_command_line_then_rendered_and_verified(
    runner: CliRunner, tmp_path: Path
) -> None:
    """This test ensures that `draw make` records a draw whose facts `render` issues and `draw verify` accepts."""
    drawn, listed = tmp_path / "drawn.json", tmp_path / "list.pdf"
    sample_file = str(SAMPLES / "sampling_list.json")
    made = runner.invoke(main, ["draw", "make", "sampling_list", sample_file, "-o", str(drawn)])
    assert made.exit_code == 0, made.output
    facts = json.loads(drawn.read_text(encoding="utf-8"))
    assert made.stdout.startswith(f"抽取记录第{facts['draw']}号，随机种子 {facts['seed']}")
    other = runner.invoke(
        main, ["render", "sampling_list", str(drawn), "-o", str(listed), "--as", "赵文书"]
    )
    assert other.exit_code == 2 and "draw: " in other.stderr and "其他人员的抽取" in other.stderr
    issued = runner.invoke(main, ["render", "sampling_list", str(drawn), "-o", str(listed)])
    assert issued.exit_code == 0, issued.output
    assert verify(listed)[0] == 0


def test_render_from_a_typed_seed_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that `wenshu render` of a list naming no recorded draw exits 2 at the draw."""
    out = tmp_path / "list.pdf"
    result = runner.invoke(
        main, ["render", "sampling_list", str(SAMPLES / "sampling_list.json"), "-o", str(out)]
    )
    assert result.exit_code == 2
    assert result.stderr.strip() == "draw: 没有第1号双随机抽查名单抽取记录，请点击“抽取”重新抽取"
    assert not out.exists()


def test_draw_make_with_facts_that_fail_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that `draw make` with a wrong ratio exits 2 naming the field and writes nothing."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(sample("sampling_list") | {"percent": 40}), encoding="utf-8")
    out = tmp_path / "drawn.json"
    result = runner.invoke(main, ["draw", "make", "sampling_list", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert result.stderr.startswith("percent: 全面检查的抽取比例应当在15%至25%之间")
    assert not out.exists()


@pytest.mark.office
def test_a_record_with_a_ratio_the_method_does_not_allow_fails(copy_of_list: Path) -> None:
    """This test ensures that a record whose percent lies outside its method's range fails, however consistent."""
    replace_source(copy_of_list, '"percent":20', '"percent":30')
    code, out, _ = verify(copy_of_list)
    assert code == 1
    assert out.strip() == (
        "不符：抽取记录中的抽取比例30%不合规定：全面检查的抽取比例应当在15%至25%之间"
    )
