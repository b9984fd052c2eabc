"""Tests of the wenshu command line: kinds, validate, render, init-db."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.commands.cli import main
from tests import pdfcheck
from tests.archive_disk import REFUSALS, archive_on_tmpfs, files_in
from tests.conftest import SAMPLES, sample

CASE_KINDS = (
    "case_opening", "inquiry_record", "site_record", "penalty_notice", "hearing_notice",
    "hearing_record", "legal_review", "collective_discussion", "service_receipt", "case_closing",
)  # fmt: skip


def test_kinds_json_schema(runner: CliRunner) -> None:
    """This test ensures that kinds --json follows the published schema, with one recipient per kind."""
    result = runner.invoke(main, ["kinds", "--json"])
    assert result.exit_code == 0
    kinds = json.loads(result.output)
    assert {k["kind"] for k in kinds} == {
        "supervision_notice", "review_decision", "inspection_record", "enforcement_notice",
        "correction_order", "penalty_decision", "annual_report", "audit_summary",
        "safety_circular", "sampling_list", "access_register", "case_opening", "inquiry_record",
        "site_record", "penalty_notice", "hearing_notice", "hearing_record", "legal_review",
        "collective_discussion", "service_receipt", "case_closing",
    }  # fmt: skip
    notice = next(k for k in kinds if k["kind"] == "supervision_notice")
    assert notice["title"] == "执法监督通知（决定）书"
    # One 文号 per document, one shared by the copies sent to many units, or a receipt number.
    assert {k["kind"]: k["numbering"] for k in kinds} == {
        "supervision_notice": "own", "review_decision": "own", "inspection_record": "own",
        "enforcement_notice": "own", "correction_order": "own", "penalty_decision": "own",
        "annual_report": "incoming", "audit_summary": "own", "safety_circular": "shared",
        "sampling_list": "shared", "access_register": "own",
    } | {kind: "own" for kind in CASE_KINDS}  # fmt: skip
    # The GB/T 9704 format each follows: letters to one unit, formal acts, forms.
    assert {k["kind"]: k["format"] for k in kinds} == {
        "supervision_notice": "信函格式", "review_decision": "文件格式",
        "inspection_record": "表格", "enforcement_notice": "信函格式",
        "correction_order": "信函格式", "penalty_decision": "文件格式",
        "annual_report": "文件格式", "audit_summary": "表格", "safety_circular": "文件格式",
        "sampling_list": "文件格式", "access_register": "表格",
        "case_opening": "表格", "inquiry_record": "表格", "site_record": "表格",
        "penalty_notice": "信函格式", "hearing_notice": "信函格式", "hearing_record": "表格",
        "legal_review": "表格", "collective_discussion": "表格", "service_receipt": "表格",
        "case_closing": "表格",
    }  # fmt: skip
    # Which are issued in a case, and which the head approves before they are numbered.
    assert {k["kind"] for k in kinds if k["case"] == "required"} == (
        set(CASE_KINDS) - {"service_receipt"} | {"penalty_decision"}
    )
    assert {k["kind"] for k in kinds if k["approval"]} == {"case_opening", "penalty_decision"}
    for entry in kinds:
        assert [f for f in entry["fields"] if f["recipient"]], entry["kind"]
        for field in entry["fields"]:
            assert {"name", "label", "type", "required", "recipient"} <= set(field)
    names = {f["name"]: f for f in notice["fields"]}
    assert names["inspected_body"]["recipient"] is True
    assert names["deadline"]["type"] == "date"
    assert names["facts"]["type"] == "text"
    assert names["situation"]["type"] == "choice"
    assert names["cc"]["required"] is False
    record = next(k for k in kinds if k["kind"] == "inspection_record")
    officers = next(f for f in record["fields"] if f["name"] == "officers")
    assert officers["type"] == "list"
    assert [sub["name"] for sub in officers["fields"]] == ["name", "certificate"]


def test_validate(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that validate accepts the sample and reports each problem as field: message."""
    ok = runner.invoke(
        main, ["validate", "supervision_notice", str(SAMPLES / "supervision_notice.json")]
    )
    assert ok.exit_code == 0
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps(sample("supervision_notice") | {"deadline": "2026-03-01", "issuer": ""})
    )
    result = runner.invoke(main, ["validate", "supervision_notice", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        "deadline: 执行期限应当晚于成文日期",
        "issuer: 请填写执行检查的机构名称",
    ]


def test_unknown_kind_and_unreadable_facts(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that an unknown kind or a file that is not JSON exits 2 with a reason."""
    result = runner.invoke(
        main, ["validate", "no_such_kind", str(SAMPLES / "supervision_notice.json")]
    )
    assert result.exit_code == 2 and "no_such_kind" in result.stderr
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    result = runner.invoke(main, ["validate", "supervision_notice", str(garbage)])
    assert result.exit_code == 2 and result.stderr.startswith("facts:")


@pytest.mark.office
def test_render_writes_numbered_pdf(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that render archives the document, writes the PDF and prints the 文号."""
    out = tmp_path / "out" / "notice.pdf"
    result = runner.invoke(
        main,
        ["render", "supervision_notice", str(SAMPLES / "supervision_notice.json"), "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "君档监通〔2026〕1号"
    assert "启动本命令自己的排版进程" in result.stderr.splitlines()  # no service runs
    assert pdfcheck.pdfa_identification(out) == ("2", "B")
    assert "君档监通〔2026〕1号" in pdfcheck.text(out)


def test_render_invalid_uses_nothing(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that invalid facts exit 2, one line per problem, with nothing archived."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"inspected_body": "某单位\x00"}))
    out = tmp_path / "never.pdf"
    result = runner.invoke(main, ["render", "supervision_notice", str(bad), "-o", str(out)])
    assert result.exit_code == 2
    assert (
        "inspected_body: 第4个字符是不可打印的控制字符（U+0000），请删除后再提交" in result.stderr
    )
    assert not out.exists()
    instance = Path(__import__("os").environ["WENSHU_INSTANCE"])
    assert (
        not list((instance / "archive").rglob("*.pdf")) if (instance / "archive").exists() else True
    )


@pytest.mark.office
@pytest.mark.parametrize(("options", "reason"), REFUSALS)
def test_render_on_a_refusing_archive_disk_says_so_and_uses_nothing(
    runner: CliRunner, tmp_path: Path, options: str, reason: str
) -> None:
    """This test ensures that `wenshu render` on a full or read-only archive disk exits 1 with a
    Chinese message saying what and how to fix, no traceback, no file, and no number used."""
    archive = tmp_path / "cli-instance" / "archive"
    out = tmp_path / "notice.pdf"
    facts = str(SAMPLES / "supervision_notice.json")
    args = ["render", "supervision_notice", facts, "-o", str(out)]
    with archive_on_tmpfs(archive, options):
        refused = runner.invoke(main, args)
        assert files_in(archive) == []
    assert refused.exit_code == 1, refused.output
    assert isinstance(refused.exception, SystemExit)  # an exit, not an exception escaping
    assert refused.stderr.startswith("render: 归档存储")
    assert reason in refused.stderr and str(archive) in refused.stderr
    assert "重试" in refused.stderr and "Traceback" not in refused.output
    assert refused.stdout == "" and not out.exists()
    issued = runner.invoke(main, args)  # the disk takes files again: the number is still free
    assert issued.exit_code == 0, issued.output
    assert issued.stdout.strip() == "君档监通〔2026〕1号"


def test_init_db(runner: CliRunner) -> None:
    """This test ensures that init-db prepares the database and installs version 1 of each template."""
    result = runner.invoke(main, ["init-db"])
    assert result.exit_code == 0
    assert "template installed as version 1: supervision_notice" in result.output
    again = runner.invoke(main, ["init-db"])
    assert again.exit_code == 0 and "template installed" not in again.output


def test_rows_from_a_spreadsheet(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that a row field can be read from an .xlsx file, and a bad file is named."""
    from openpyxl import Workbook

    facts = sample("audit_summary")
    facts.pop("paper_reports", None)
    facts_file = tmp_path / "summary.json"
    facts_file.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    unit = (
        facts["register"][1]["unit"]
        if "unit" in facts["register"][1]
        else next(iter(facts["register"][1].values()))
    )
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["单位", "收到日期"])
    sheet.append([unit, "2026-09-25"])
    table = tmp_path / "paper.xlsx"
    book.save(table)
    ok = runner.invoke(
        main, ["validate", "audit_summary", str(facts_file), "--rows", f"paper_reports={table}"]
    )
    assert ok.exit_code == 0, ok.output
    sheet.append(["不在名册中的单位", "2026-09-25"])
    book.save(table)
    bad = runner.invoke(
        main, ["validate", "audit_summary", str(facts_file), "--rows", f"paper_reports={table}"]
    )
    assert bad.exit_code == 2 and bad.stderr.startswith("paper_reports:")
    wrong = runner.invoke(main, ["validate", "audit_summary", str(facts_file), "--rows", "x=y.csv"])
    assert wrong.exit_code == 2 and "paper_reports" in wrong.stderr


def test_users_and_tokens(runner: CliRunner) -> None:
    """This test ensures that users are created with a role and tokens print alone on the last line."""
    made = runner.invoke(
        main, ["users", "create", "周文书", "--role", "clerk", "--password", "a-long-secret"]
    )
    assert made.exit_code == 0, made.output
    twice = runner.invoke(
        main, ["users", "create", "周文书", "--role", "clerk", "--password", "a-long-secret"]
    )
    assert twice.exit_code == 2 and "已存在" in twice.stderr
    bad_role = runner.invoke(
        main, ["users", "create", "吴", "--role", "boss", "--password", "a-long-secret"]
    )
    assert bad_role.exit_code == 2
    prompted = runner.invoke(
        main,
        ["users", "create", "郑维护", "--role", "maintainer"],
        input="pw-12345678\npw-12345678\n",
    )
    assert prompted.exit_code == 0, prompted.output
    token = runner.invoke(main, ["tokens", "create", "周文书"])
    assert token.exit_code == 0
    value = token.stdout.strip().splitlines()[-1]
    assert len(value) >= 40 and " " not in value
    from service.accounts.users import account_for_token
    from service.foundations.config import load_settings
    from service.services import Wenshu

    wenshu = Wenshu.open(load_settings())
    with wenshu.database.session() as session:
        account = account_for_token(session, value)
    wenshu.close()
    assert account is not None and account.username == "周文书"
    assert runner.invoke(main, ["tokens", "create", "nobody"]).exit_code == 2


def test_ensure_admin_only_once(runner: CliRunner) -> None:
    """This test ensures that the first administrator is created once, with a printed password."""
    first = runner.invoke(main, ["users", "ensure-admin"])
    assert first.exit_code == 0 and "username: admin" in first.output
    second = runner.invoke(main, ["users", "ensure-admin"])
    assert "users exist" in second.output
