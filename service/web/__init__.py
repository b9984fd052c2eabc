"""The web layer: blueprints and their HTML templates; the only code that imports Flask."""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.routing import IntegerConverter, Map

from service.accounts.users import APPROVE, ISSUE
from service.foundations.formatting import format_copy_number
from service.foundations.plaintext import quote_back
from service.instruments.facts import flatten_messages
from service.services import Wenshu
from service.web.language import NP_

ALL_ROLES = frozenset({"clerk", "head", "maintainer", "admin"})
# The top navigation: endpoint, text (translated where shown, in the context "menu"), roles
# that see it. A link shows once its page exists.
NAVIGATION = [
    ("desk.index", NP_("menu", "首页"), ALL_ROLES),
    ("register.search", NP_("menu", "文书登记簿"), ALL_ROLES),
    ("deadlines.index", NP_("menu", "到期事项"), ALL_ROLES),
    ("cases.index", NP_("menu", "案件"), ISSUE | APPROVE),
    ("approvals.index", NP_("menu", "待审批"), APPROVE),
    ("layouts.index", NP_("menu", "模板"), frozenset({"maintainer", "admin"})),
    ("admin.users", NP_("menu", "用户"), frozenset({"admin"})),
    ("admin.seal", NP_("menu", "电子印章"), frozenset({"admin"})),
    ("directory_units.units", NP_("menu", "名录"), frozenset({"admin"})),
    ("archive_web.index", NP_("menu", "档案检测"), frozenset({"clerk", "admin"})),
    ("batch_web.index", NP_("menu", "批量生成"), ISSUE),
]


class RecordId(IntegerConverter):
    """A database row id in a URL: 1 to 2³¹−1, so that no id can overflow a query (404 instead)."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=2**31 - 1)


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint and error page to the app."""
    app.url_map.converters["id"] = RecordId
    from service.web import (
        account,
        admin,
        api,
        auth,
        documents,
        errors,
        kept_forms,
        language,
        layouts,
        localtime,
        people,
        security,
    )

    language.init_app(app, app.extensions["wenshu"].settings.timezone)
    security.init_app(app, app.extensions["wenshu"].settings)
    auth.init_app(app)
    kept_forms.init_app(app)
    from service.web import autosave

    autosave.init_app(app)
    from service.web import desk

    app.register_blueprint(desk.blueprint)
    app.register_blueprint(documents.blueprint)
    app.register_blueprint(layouts.blueprint)
    app.register_blueprint(admin.blueprint)
    app.register_blueprint(account.blueprint)
    api.init_app(app)  # the JSON API, exempt from CSRF: it takes bearer tokens only
    from service.web import deadlines, document_service, register

    app.register_blueprint(register.blueprint)
    app.register_blueprint(document_service.blueprint)
    app.register_blueprint(deadlines.blueprint)
    from service.web import archive

    app.register_blueprint(archive.blueprint)
    from service.web import notices

    app.register_blueprint(notices.blueprint)
    from service.web import batch

    app.register_blueprint(batch.blueprint)
    from service.web import approvals, cases

    app.register_blueprint(cases.blueprint)
    app.register_blueprint(approvals.blueprint)
    from service.web import directory, directory_officers, directory_units

    app.register_blueprint(directory.blueprint)
    app.register_blueprint(directory_units.blueprint)
    app.register_blueprint(directory_officers.blueprint)
    errors.register(app)

    @app.context_processor
    def navigation() -> dict[str, object]:
        return {"navigation": NAVIGATION, "config_endpoints": set(app.view_functions)}

    # Repeated rows report errors per row and field; a page shows them as plain lines.
    app.jinja_env.filters["messages"] = flatten_messages
    # Text anyone could have typed (a failed sign-in's user name) is shown briefly, its control
    # and bidirectional characters as escapes, so that it cannot reorder the page around it.
    app.jinja_env.filters["typed"] = lambda value: quote_back(value, limit=64)
    # A copy's 份号 as printed (000001); "" for a document of its own.
    app.jinja_env.filters["copy_number"] = format_copy_number
    localtime.init_app(app)  # after the blueprints: the bureau's zone decides every time shown
    people.init_app(app)


def wenshu() -> Wenshu:
    """Return the services of the running app."""
    services: Wenshu = current_app.extensions["wenshu"]
    return services
