"""The service's own secret: WENSHU_SECRET_KEY, or one created once in the instance folder."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from service.foundations.config import Settings

SECRET_FILE = "secret_key"


def service_secret(settings: Settings) -> str:
    """Return the secret that signs sessions and wraps the seal's key; create it on first use.

    The configured secret_key wins; otherwise the instance keeps one in instance/secret_key,
    readable by its owner alone (0600), written once and never replaced.
    """
    if settings.secret_key:
        return settings.secret_key
    return instance_secret(settings.instance_path)


def instance_secret(instance: Path) -> str:
    """Return the instance's own secret, creating it (mode 0600) if it has none yet."""
    path = instance / SECRET_FILE
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        # Written whole under another name, then linked into place: two processes starting at
        # once both read the one secret that was linked first, never a half-written file.
        partial = instance / f".{SECRET_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_hex(32))
        try:
            os.link(partial, path)
        except FileExistsError:
            pass
        finally:
            partial.unlink()
    return path.read_text().strip()
