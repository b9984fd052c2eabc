"""wenshu: numbered, archived official instruments for a district archives bureau."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Return the web application.

    config may hold Flask settings (upper case), wenshu settings (lower case, as in
    service.foundations.config.Settings) and "converter", a converter to use instead of starting
    the service's own LibreOffice workers.
    """
    # Imported here, so that importing the domain packages (service.render, …) loads neither
    # Flask nor the database: the template trial child imports service.render alone.
    from flask import Flask
    from flask_wtf.csrf import CSRFProtect

    from service.background.startup import prepare_service
    from service.foundations.config import load_settings
    from service.foundations.secret import service_secret
    from service.render.office.converter import Converter
    from service.render.office.pool import OfficePool
    from service.render.office.shared_workers import share_workers
    from service.services import Wenshu

    config = dict(config or {})
    converter: Converter | None = config.pop("converter", None)
    flask_config = {key: value for key, value in config.items() if key.isupper()}
    settings = load_settings({key: value for key, value in config.items() if not key.isupper()})

    app = Flask(__name__, template_folder="web/templates", static_folder="web/static")
    app.config.update(
        SECRET_KEY=service_secret(settings),
        MAX_CONTENT_LENGTH=settings.max_upload_bytes,
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.update(flask_config)

    if converter is None:
        pool = OfficePool(settings)
        converter = pool
        # Named to commands on this instance (wenshu render, wenshu batch) as they come up.
        share_workers(settings, pool)
        pool.start()  # workers warm up in the background while the app serves pages
    wenshu = Wenshu.open(settings, converter)
    prepare_service(wenshu)
    app.extensions["wenshu"] = wenshu

    if settings.verify_interval_hours > 0 and not app.config.get("TESTING"):
        from service.background.scheduled_check import ScheduledCheck

        check = ScheduledCheck(wenshu, dt.timedelta(hours=settings.verify_interval_hours))
        check.start()
        app.extensions["archive_check"] = check
    if not app.config.get("TESTING"):
        from service.background.housekeeping import Housekeeper

        housekeeper = Housekeeper(wenshu)
        housekeeper.start()
        app.extensions["housekeeper"] = housekeeper

    from service.batch.dispatch import dispatcher_for

    app.extensions["batch_dispatcher"] = dispatcher_for(wenshu)
    CSRFProtect(app)
    from service.web import register_blueprints

    register_blueprints(app)
    return app
