"""A batch of a kind with no usable template is refused at every door before a job exists."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from service.background.startup import prepare_service
from service.commands.cli import main
from service.database.batch_models import BatchJob
from service.database.models import TemplateVersion
from service.foundations.config import load_settings
from service.services import Wenshu
from tests.batch.conftest import common_facts, recipients_table
from tests.web.batch_client import KIND, csv_bytes, upload
from tests.web.test_api import JSON, bearer, token_for

NO_TEMPLATE = "全区档案安全通报还没有启用的模板版本，请模板维护人员在“文书模板”页发布或启用一个"


def without_active_template(wenshu: Wenshu) -> None:
    """Leave the kind with versions but none active, as after a maintainer's mistake."""
    with wenshu.database.session() as session:
        session.execute(
            update(TemplateVersion).where(TemplateVersion.kind == KIND).values(active=False)
        )


def jobs(wenshu: Wenshu) -> int:
    """Return how many batch jobs are recorded."""
    with wenshu.database.session() as session:
        return session.scalar(select(func.count(BatchJob.id))) or 0


def test_the_batch_page_says_why_and_keeps_no_job(app: Flask, client: FlaskClient) -> None:
    """This test ensures that the batch page answers a kind without a template with its reason, no 500."""
    wenshu = app.extensions["wenshu"]
    without_active_template(wenshu)
    response = upload(client, csv_bytes(["甲单位", "乙单位"]))
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert NO_TEMPLATE in page
    assert jobs(wenshu) == 0


def test_the_api_answers_503_and_keeps_no_job(app: Flask) -> None:
    """This test ensures that POST /api/batches answers a kind without a template as not issued."""
    wenshu = app.extensions["wenshu"]
    without_active_template(wenshu)
    body = {"kind": KIND, "facts": common_facts(KIND), "rows": [{"addressee": "甲单位"}]}
    answer = app.test_client().post(
        "/api/batches",
        data=json.dumps(body),
        content_type=JSON,
        headers=bearer(token_for(app, "clerk")),
    )
    assert answer.status_code == 503
    assert NO_TEMPLATE in answer.get_json()["error"]
    assert jobs(wenshu) == 0


def test_the_command_says_why_without_a_traceback(runner: CliRunner, tmp_path: Path) -> None:
    """This test ensures that wenshu batch for a kind without a template exits 1 with its reason."""
    wenshu = Wenshu.open(load_settings({"instance_path": tmp_path / "cli-instance"}))
    prepare_service(wenshu)
    without_active_template(wenshu)
    facts = tmp_path / "common.json"
    facts.write_text(json.dumps(common_facts(KIND), ensure_ascii=False), encoding="utf-8")
    table = recipients_table(tmp_path, KIND, ["甲单位"])
    result = runner.invoke(
        main, ["batch", KIND, str(table), "--facts", str(facts), "--out", str(tmp_path / "o")]
    )
    assert result.exit_code == 1
    assert result.stderr.strip() == f"batch: {NO_TEMPLATE}"
    assert "Traceback" not in result.output
    assert jobs(wenshu) == 0
    wenshu.close()
