"""Start-up preparation: the newest schema, the shipped templates, every stored template checked again."""

from __future__ import annotations

from service.archive.templates import keep_contents_in_database
from service.layouts.refusals import recheck_stored_versions
from service.layouts.versions import install_shipped_templates
from service.services import Wenshu


def prepare_service(wenshu: Wenshu) -> list[str]:
    """Create missing tables, install the shipped templates and check every stored one again.

    Returns the kinds installed. A stored version that reaches outside the document is
    refused from now on (service.layouts.refusals). Every entry point calls this once before
    it serves: the web service, a batch worker and each command.
    """
    wenshu.database.create_tables()
    with wenshu.database.session() as session:
        keep_contents_in_database(session, wenshu.templates)
        installed = install_shipped_templates(
            session, wenshu.templates, wenshu.settings.templates_path
        )
        recheck_stored_versions(session, wenshu.templates)
        return installed
