"""Tests of the JSON API: bearer tokens, issuing from JSON, documents, errors as JSON, OpenAPI."""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from lxml import etree
from openapi_spec_validator import validate
from sqlalchemy import func, select, update
from werkzeug.test import TestResponse

from service import create_app
from service.accounts.users import create_token
from service.commands.cli import main
from service.database.models import ApiToken, Document, TemplateVersion, User
from service.render.office.pool import OfficePool
from service.web.openapi import OPENAPI
from tests import pdfcheck
from tests.archive_disk import REFUSALS, archive_on_tmpfs, files_in
from tests.conftest import add_user, sample
from tests.fakes import FailingConverter

JSON = "application/json"


def token_for(app: Flask, role: str) -> str:
    """Return a new API token of a new user of the role."""
    username = f"{role}-{uuid.uuid4().hex[:6]}"
    add_user(app, username, role)
    with app.extensions["wenshu"].database.session() as session:
        return create_token(session, username)


def bearer(token: str) -> dict[str, str]:
    """Return the Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def api(app: Flask) -> FlaskClient:
    """A test client that has not signed in; requests carry a token as a header."""
    return app.test_client()


@pytest.fixture
def clerk(app: Flask) -> dict[str, str]:
    """The Authorization header of a clerk's token."""
    return bearer(token_for(app, "clerk"))


def post(client: FlaskClient, headers: dict[str, str], body: Any) -> TestResponse:
    """Return the answer to issuing body, sent as JSON."""
    return client.post("/api/documents", data=json.dumps(body), content_type=JSON, headers=headers)


def conforms(body: Any, schema: str) -> None:
    """Fail unless body is valid against a schema of the OpenAPI description."""
    root = OPENAPI | {"$ref": f"#/components/schemas/{schema}"}
    Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(body)


def is_json_error(response: TestResponse, status: int) -> str:
    """Return the Chinese message of a JSON error answer with the status, failing otherwise."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == JSON
    body = response.get_json()
    conforms(body, "Error")
    assert re.search(r"[\u4e00-\u9fff]", body["error"]), body
    return str(body["error"])


def document_count(app: Flask) -> int:
    """Return how many documents are archived."""
    with app.extensions["wenshu"].database.session() as session:
        return int(session.scalar(select(func.count()).select_from(Document)) or 0)


def test_kinds_are_those_of_the_command_line(
    api: FlaskClient, clerk: dict[str, str], runner: CliRunner
) -> None:
    """This test ensures that GET /api/kinds answers exactly what `wenshu kinds --json` prints."""
    response = api.get("/api/kinds", headers=clerk)
    assert response.status_code == 200
    printed = runner.invoke(main, ["kinds", "--json"])
    assert printed.exit_code == 0
    assert response.get_json() == json.loads(printed.output)
    for kind in response.get_json():
        conforms(kind, "Kind")
    assert "Set-Cookie" not in response.headers  # the API keeps no session


def test_no_token_is_401_json(app: Flask, api: FlaskClient) -> None:
    """This test ensures that every API call without a token gets a JSON 401 with a Bearer challenge."""
    calls = [
        ("GET", "/api/kinds"),
        ("POST", "/api/documents"),
        ("GET", "/api/documents/1"),
        ("GET", "/api/documents/1/pdf"),
        ("GET", "/api/documents/1/ofd"),
        ("GET", "/api/nothing"),
    ]
    for method, path in calls:
        response = api.open(path, method=method)
        assert "API 令牌" in is_json_error(response, 401), path
        assert response.headers["WWW-Authenticate"].startswith("Bearer"), path
    assert document_count(app) == 0


def test_signed_in_browser_still_needs_a_token(client: FlaskClient) -> None:
    """This test ensures that a session cookie does not stand in for a token on the CSRF-exempt API."""
    assert client.get("/").status_code == 200
    is_json_error(client.get("/api/kinds"), 401)
    is_json_error(post(client, {}, {"kind": "supervision_notice", "facts": {}}), 401)


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-token", "Bearer ", "Basic dXNlcjpwYXNz", "not-a-token", "Bearer \u4e00"],
)
def test_bad_token_is_401(api: FlaskClient, header: str) -> None:
    """This test ensures that a malformed or unknown token is refused with a JSON 401."""
    response = api.get("/api/kinds", headers={"Authorization": header})
    is_json_error(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    if header.startswith("Bearer "):
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_revoked_token_and_disabled_user_are_401(app: Flask, api: FlaskClient) -> None:
    """This test ensures that a revoked token, or the token of a disabled user, no longer works."""
    database = app.extensions["wenshu"].database
    revoked, disabled = token_for(app, "clerk"), token_for(app, "clerk")
    for token in (revoked, disabled):
        assert api.get("/api/kinds", headers=bearer(token)).status_code == 200
    with database.session() as session:
        digest = hashlib.sha256(revoked.encode()).hexdigest()
        session.execute(
            update(ApiToken).where(ApiToken.token_sha256 == digest).values(revoked=True)
        )
        owner = select(ApiToken.user_id).where(
            ApiToken.token_sha256 == hashlib.sha256(disabled.encode()).hexdigest()
        )
        session.execute(update(User).where(User.id.in_(owner)).values(active=False))
    for token in (revoked, disabled):
        is_json_error(api.get("/api/kinds", headers=bearer(token)), 401)


def test_maintainer_reads_but_cannot_issue(app: Flask, api: FlaskClient) -> None:
    """This test ensures that a template maintainer's token reads (200) but cannot issue (403)."""
    maintainer = bearer(token_for(app, "maintainer"))
    assert api.get("/api/kinds", headers=maintainer).status_code == 200
    response = post(
        api, maintainer, {"kind": "supervision_notice", "facts": sample("supervision_notice")}
    )
    assert "没有权限" in is_json_error(response, 403)
    assert document_count(app) == 0


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        ("application/x-www-form-urlencoded", "kind=supervision_notice"),
        ("text/plain", '{"kind": "supervision_notice", "facts": {}}'),
        ("", '{"kind": "supervision_notice", "facts": {}}'),
        ("application/json; charset=gbk", '{"kind": "supervision_notice", "facts": {}}'),
    ],
)
def test_wrong_content_type_is_415(
    api: FlaskClient, clerk: dict[str, str], content_type: str, data: str
) -> None:
    """This test ensures that a body that is not UTF-8 JSON by its Content-Type gets a JSON 415."""
    response = api.post("/api/documents", data=data, content_type=content_type, headers=clerk)
    is_json_error(response, 415)


def test_oversized_body_is_413(app: Flask, api: FlaskClient, clerk: dict[str, str]) -> None:
    """This test ensures that a body beyond MAX_CONTENT_LENGTH gets a JSON 413 and archives nothing."""
    limit = app.config["MAX_CONTENT_LENGTH"]
    body = {"kind": "supervision_notice", "facts": {"facts": "字" * (limit // 3 + 1)}}
    response = post(api, clerk, body)
    assert "过大" in is_json_error(response, 413)
    assert document_count(app) == 0


NOTICE = '"kind": "supervision_notice"'


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "空"),
        (b"  \n ", "空"),
        (b"{not json", "第1行第2列"),
        (b"[1, 2]", "数组"),
        (b'[{"kind": "supervision_notice", "facts": {}}]', "数组"),
        (b'"supervision_notice"', "JSON 对象"),
        (b"null", "JSON 对象"),
        (b"{" + NOTICE.encode() + b"}", "缺少 facts"),
        (b'{"facts": {}}', "缺少 kind"),
        (b'{"kind": 3, "facts": {}}', "kind"),
        (b'{"kind": null, "facts": {}}', "kind"),
        (b'{"kind": "nothing", "facts": {}}', "没有这种文书"),
        (b'{"kind": "<script>", "facts": {}}', "没有这种文书"),
        (b"{" + NOTICE.encode() + b', "facts": []}', "facts"),
        (b"{" + NOTICE.encode() + b', "facts": "x"}', "facts"),
        (b"{" + NOTICE.encode() + b', "facts": null}', "facts"),
        (b"{" + NOTICE.encode() + b', "facts": {}, "fact": {}}', "fact"),
        ('{"kind": "supervision_notice", "facts": {"facts": "档案"}}'.encode("gbk"), "UTF-8"),
        (b"\xff\xfe{\x00}\x00", "UTF-8"),
        ('\ufeff{"kind": "supervision_notice", "facts": {}}'.encode(), "JSON"),
        (b"{" + NOTICE.encode() + b', "facts": {"deadline": NaN}}', "NaN"),
        (b"{" + NOTICE.encode() + b', "facts": {"deadline": 1e999}}', "超出范围"),
        (b"{" + NOTICE.encode() + b', "facts": {"deadline": ' + b"9" * 5000 + b"}}", "数字过长"),
        (b"[" * 100_000 + b"]" * 100_000, "嵌套过深"),
    ],
)
def test_malformed_requests_are_400(
    app: Flask, api: FlaskClient, clerk: dict[str, str], data: bytes, says: str
) -> None:
    """This test ensures that a body that is not a well-formed issuing request gets a clear JSON 400."""
    response = api.post("/api/documents", data=data, content_type=JSON, headers=clerk)
    assert says in is_json_error(response, 400)
    assert document_count(app) == 0


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"inspected_body": ["a", "b"]}, "inspected_body", "类型不对"),
        ({"inspected_body": {"name": "x"}}, "inspected_body", "类型不对"),
        ({"inspected_body": True}, "inspected_body", "类型不对"),
        ({"deadline": 20260410}, "deadline", "日期"),
        ({"deadline": "明天"}, "deadline", "日期"),
        ({"issue_date": None}, "issue_date", ""),
        ({"inspected_body": ""}, "inspected_body", "请填写"),
        ({"situation": "随便写的"}, "situation", ""),
        ({"no_such_field": "x"}, "no_such_field", "不是这种文书的字段"),
        ({"inspected_body": "钱粮湖镇\x00人民政府"}, "inspected_body", "控制字符"),
        ({"inspected_body": "钱粮湖镇\x1b[31m人民政府"}, "inspected_body", "控制字符"),
        ({"inspected_body": "钱粮湖镇\ud800人民政府"}, "inspected_body", "U+D800"),
        ({"inspected_body": "钱粮湖镇\n人民政府"}, "inspected_body", "换行"),
        ({"facts": "<w:p>事实</w:p>\x07"}, "facts", "控制字符"),
    ],
)
def test_invalid_facts_are_422_by_field(
    app: Flask,
    api: FlaskClient,
    clerk: dict[str, str],
    changes: dict[str, Any],
    field: str,
    says: str,
) -> None:
    """This test ensures that facts of the wrong type, shape or characters get a 422 naming the field."""
    facts = sample("supervision_notice") | changes
    response = post(api, clerk, {"kind": "supervision_notice", "facts": facts})
    assert response.status_code == 422, response.get_data(as_text=True)
    body = response.get_json()
    conforms(body, "InvalidFacts")
    assert field in body["errors"]
    assert says in " ".join(body["errors"][field])
    assert document_count(app) == 0


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("correction_order", {"report_year": -1}, "report_year"),
        ("annual_report", {"report_year": 10**20}, "report_year"),
        ("audit_summary", {"audit_year": 0}, "audit_year"),
        ("safety_circular", {"assessment_year": -1}, "assessment_year"),
        ("penalty_decision", {"fine": "NaN"}, "fine"),
        ("penalty_decision", {"illegal_gains": "-Infinity"}, "illegal_gains"),
        ("sampling_list", {"percent": 0}, "percent"),
    ],
)
def test_numbers_out_of_range_are_422(
    app: Flask,
    api: FlaskClient,
    clerk: dict[str, str],
    kind: str,
    changes: dict[str, Any],
    field: str,
) -> None:
    """This test ensures that a year or amount no date or rule can use gets a 422, never a 500."""
    response = post(api, clerk, {"kind": kind, "facts": sample(kind) | changes})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert field in response.get_json()["errors"]
    assert document_count(app) == 0


def test_rows_of_the_wrong_shape_are_422(
    app: Flask, api: FlaskClient, clerk: dict[str, str]
) -> None:
    """This test ensures that repeated rows given as the wrong JSON shape get a 422, not a 500."""
    facts = sample("inspection_record")
    for officers in ["王五", ["王五"], [{"no_such": "x"}], [[{"name": "王五"}]], {"0": "王五"}]:
        response = post(
            api, clerk, {"kind": "inspection_record", "facts": facts | {"officers": officers}}
        )
        assert response.status_code == 422, officers
        assert "officers" in response.get_json()["errors"]
    assert document_count(app) == 0


def test_missing_documents_and_methods_are_json(api: FlaskClient, clerk: dict[str, str]) -> None:
    """This test ensures that unknown documents, paths and methods under /api answer JSON 404 and 405."""
    for path in [
        "/api/documents/999",
        "/api/documents/999/pdf",
        "/api/documents/0",
        "/api/documents/99999999999999999999999",
        "/api/documents/-1",
        "/api/documents/abc",
        "/api/nothing",
    ]:
        is_json_error(api.get(path, headers=clerk), 404)
    response = api.put("/api/documents", headers=clerk)
    is_json_error(response, 405)
    assert "POST" in response.headers["Allow"]
    is_json_error(api.delete("/api/documents/1", headers=clerk), 405)


def test_unexpected_failure_is_a_json_500(
    tmp_path: Path, office_pool: OfficePool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This test ensures that an unexpected exception under /api answers a Chinese JSON 500, not a page."""
    app = create_app({"instance_path": tmp_path / "instance", "converter": office_pool})

    def broken() -> list[Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr("service.web.api.describe_kinds", broken)
    response = app.test_client().get("/api/kinds", headers=bearer(token_for(app, "clerk")))
    assert "boom" not in is_json_error(response, 500)
    app.extensions["wenshu"].database.dispose()


def test_api_needs_no_csrf_token(tmp_path: Path, office_pool: OfficePool) -> None:
    """This test ensures that, with CSRF protection on as in production, the API is exempt from it."""
    app = create_app(
        {"TESTING": True, "instance_path": tmp_path / "instance", "converter": office_pool}
    )
    facts = sample("supervision_notice") | {"deadline": "2026-03-01"}
    response = post(
        app.test_client(),
        bearer(token_for(app, "clerk")),
        {"kind": "supervision_notice", "facts": facts},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"deadline": ["执行期限应当晚于成文日期"]}
    form = app.test_client().post("/logout")
    assert form.status_code == 400  # the HTML forms still need theirs
    app.extensions["wenshu"].database.dispose()


def test_openapi_is_valid_and_covers_every_route(app: Flask, api: FlaskClient) -> None:
    """This test ensures that the OpenAPI 3.1 description validates and lists every API route and method."""
    response = api.get("/api/openapi.json")  # open without a token
    assert response.status_code == 200
    spec = response.get_json()
    assert spec == json.loads(json.dumps(OPENAPI))
    validate(spec)
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["bearer"]["description"],
    }
    routes = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")]
    assert len(routes) == 19
    for rule in routes:
        path = re.sub(r"<(?:[^:>]+:)?(\w+)>", r"{\1}", rule.rule)
        assert path in spec["paths"], path
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], (path, method)


@pytest.mark.office
def test_issue_read_and_download(app: Flask, api: FlaskClient, clerk: dict[str, str]) -> None:
    """This test ensures that a clerk's token issues a document (201) and reads back its metadata and PDF."""
    markup = '<script>alert("x")</script> & {{ facts }} {%p if 1 %} </w:t><w:t>'
    facts = sample("supervision_notice") | {"execution_manner": markup}
    response = post(api, clerk, {"kind": "supervision_notice", "facts": facts})
    assert response.status_code == 201, response.get_data(as_text=True)
    issued = response.get_json()
    conforms(issued, "Issued")
    assert issued["number"] == "君档监通〔2026〕1号"
    assert issued["kind"] == "supervision_notice"
    assert issued["warnings"] == []
    assert issued["pdf_url"] == f"http://localhost/api/documents/{issued['id']}/pdf"
    assert response.headers["Location"] == f"http://localhost/api/documents/{issued['id']}"

    metadata = api.get(response.headers["Location"], headers=clerk)
    assert metadata.status_code == 200
    record = metadata.get_json()
    conforms(record, "Document")
    assert {key: record[key] for key in issued if key != "id"} | {"id": record["id"]} == issued
    assert record["status"] == "issued" and record["void_reason"] == ""
    assert record["document_date"] == "2026-03-05"
    assert record["issued_at"].endswith("+00:00")
    assert record["recipient"] == "岳阳市君山区钱粮湖镇人民政府"
    assert record["facts"]["execution_manner"] == markup  # markup is kept as text, never run
    assert record["template_version"] == 1

    with api.get(issued["pdf_url"], headers=clerk) as pdf:
        assert pdf.status_code == 200
        assert pdf.mimetype == "application/pdf"
        assert hashlib.sha256(pdf.data).hexdigest() == record["sha256"]
        assert len(pdf.data) == record["size"]
        saved = app.extensions["wenshu"].settings.instance_path / "api.pdf"
        saved.write_bytes(pdf.data)
    assert '<script>alert("x")</script>&{{facts}}' in pdfcheck.poppler_text(saved)
    is_json_error(api.get(issued["pdf_url"]), 401)

    assert issued["ofd_url"] == f"http://localhost/api/documents/{issued['id']}/ofd"
    with api.get(issued["ofd_url"], headers=clerk) as ofd:
        assert ofd.status_code == 200
        assert ofd.mimetype == "application/ofd"
        assert hashlib.sha256(ofd.data).hexdigest() == record["ofd_sha256"]
        assert hashlib.new("sm3", ofd.data).hexdigest() == record["ofd_sm3"]
        assert len(ofd.data) == record["ofd_size"]
        assert ".ofd" in ofd.headers["Content-Disposition"]
        with zipfile.ZipFile(io.BytesIO(ofd.data)) as package:
            pages = [n for n in package.namelist() if n.endswith("Content.xml")]
            text = "".join(
                "".join(etree.fromstring(package.read(n)).itertext()) for n in sorted(pages)
            )
    assert '<script>alert("x")</script>' in text  # the markup is the page's text, as typed
    is_json_error(api.get(issued["ofd_url"]), 401)


@pytest.mark.office
def test_warnings_come_back_and_are_kept(api: FlaskClient, clerk: dict[str, str]) -> None:
    """This test ensures that a warning (a deadline on a Saturday) is answered and kept with the record."""
    facts = sample("correction_order") | {"deadline": "2026-10-31"}
    response = post(api, clerk, {"kind": "correction_order", "facts": facts})
    assert response.status_code == 201, response.get_data(as_text=True)
    warning = "改正期限2026年10月31日是休息日或者法定节假日，请核对"
    assert response.get_json()["warnings"] == [warning]
    record = api.get(response.headers["Location"], headers=clerk).get_json()
    assert record["warnings"] == [warning]


@pytest.mark.office
def test_broken_template_is_503(app: Flask, api: FlaskClient, clerk: dict[str, str]) -> None:
    """This test ensures that a broken active template answers a JSON 503 and uses no number."""
    wenshu = app.extensions["wenshu"]
    broken = (Path(__file__).parent.parent / "data" / "broken_placeholder.docx").read_bytes()
    sha256, relative = wenshu.templates.put(broken)
    with wenshu.database.session() as session:
        session.execute(update(TemplateVersion).values(active=False))
        session.add(
            TemplateVersion(kind="supervision_notice", version=2, sha256=sha256, path=relative,
                            active=True, published_by="test")
        )  # fmt: skip
    response = post(
        api, clerk, {"kind": "supervision_notice", "facts": sample("supervision_notice")}
    )
    message = is_json_error(response, 503)
    assert "未占用文号" in message and "no_such_fact" in message
    assert document_count(app) == 0


def test_office_failure_is_503(tmp_path: Path) -> None:
    """This test ensures that a LibreOffice failure answers a JSON 503 and archives nothing."""
    app = create_app(
        {"TESTING": True, "WTF_CSRF_ENABLED": False, "instance_path": tmp_path / "instance",
         "converter": FailingConverter("LibreOffice 转换失败")}
    )  # fmt: skip
    response = post(
        app.test_client(),
        bearer(token_for(app, "clerk")),
        {"kind": "supervision_notice", "facts": sample("supervision_notice")},
    )
    assert "LibreOffice 转换失败" in is_json_error(response, 503)
    assert document_count(app) == 0
    app.extensions["wenshu"].database.dispose()


@pytest.mark.office
@pytest.mark.parametrize(("options", "reason"), REFUSALS)
def test_a_refusing_archive_disk_is_503_and_uses_nothing(
    app: Flask, api: FlaskClient, clerk: dict[str, str], options: str, reason: str
) -> None:
    """This test ensures that issuing on a full or read-only archive disk answers the documented
    JSON 503 saying what and how to fix, leaves no file, and uses no number."""
    archive = app.extensions["wenshu"].archive.root
    body = {"kind": "supervision_notice", "facts": sample("supervision_notice")}
    with archive_on_tmpfs(archive, options):
        response = post(api, clerk, body)
        assert files_in(archive) == []
    message = is_json_error(response, 503)
    assert message.startswith("文书未能生成，未占用文号：归档存储")
    assert reason in message and "重试" in message
    assert set(response.get_json()) == {"error"}
    assert document_count(app) == 0
    issued = post(api, clerk, body)
    assert issued.status_code == 201, issued.get_data(as_text=True)
    assert issued.get_json()["number"] == "君档监通〔2026〕1号"
