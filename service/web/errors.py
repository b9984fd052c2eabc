"""Error pages in Chinese: no request ends in a bare 500 page or a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: "请求有误",
    403: "没有权限",
    404: "找不到这个页面或文书",
    405: "不支持这种请求方式",
    413: "提交的内容过大",
    500: "服务出错，已记录，请稍后重试",
}


def register(app: Flask) -> None:
    """Install the error handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_template("error.html", code=400, message="页面已过期，请刷新后重新提交"), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        return render_template(
            "error.html", code=code, message=MESSAGES.get(code, error.name)
        ), code
