"""Error pages in the reader's language, JSON errors in Chinese under /api/: no request ends in a bare 500 or a stack trace."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from service.web.auth import keep_refused_form
from service.web.language import N_

MESSAGES = {
    400: N_("请求有误"),
    401: N_("请提供有效的 API 令牌"),
    403: N_("没有权限"),
    404: N_("找不到这个页面或文书"),
    405: N_("不支持这种请求方式"),
    413: N_("提交的内容过大"),
    415: N_("不支持这种内容类型"),
    500: N_("服务出错，已记录，请稍后重试"),
}
API_PREFIX = "/api/"


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        kept = keep_refused_form()  # a form outliving its session is kept, not refused
        if kept is not None:
            return kept
        return render_template(
            "error.html", code=400, message=_("页面已过期，请刷新后重新提交")
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        code = error.code or 500
        if request.path.startswith(API_PREFIX):
            return json_error(error)
        return render_template(
            "error.html", code=code, message=_(MESSAGES[code]) if code in MESSAGES else error.name
        ), code


def json_error(error: HTTPException) -> Response:
    """Return the API's answer to an HTTP error: {"error": message}, keeping headers such as Allow."""
    code = error.code or 500
    response = jsonify(error=MESSAGES.get(code, error.name))
    response.status_code = code
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers.add(name, value)
    if code == 401 and "WWW-Authenticate" not in response.headers:
        response.headers["WWW-Authenticate"] = 'Bearer realm="wenshu"'
    return response
