"""The web layer: blueprints and their HTML templates; the only code that imports Flask."""

from __future__ import annotations

from flask import Flask, current_app

from service.facts import flatten_messages
from service.services import Wenshu


def register_blueprints(app: Flask) -> None:
    """Attach every blueprint and error page to the app."""
    from service.web import documents, errors

    app.register_blueprint(documents.blueprint)
    errors.register(app)
    # Repeated rows report errors per row and field; a page shows them as plain lines.
    app.jinja_env.filters["messages"] = flatten_messages


def wenshu() -> Wenshu:
    """Return the services of the running app."""
    services: Wenshu = current_app.extensions["wenshu"]
    return services
