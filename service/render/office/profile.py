"""LibreOffice set up so that a conversion reaches nothing beyond its input: no linked files, no network.

Lint refuses templates that reach outside; this is the wall behind it, for a document that
slips past lint. Found by experiment with LibreOffice 7.4 (Debian 12), which follows a
linked picture in a DOCX (a file:// target is read into the PDF, an http:// target is
requested) at every conversion:

- Profile settings, written into every worker's profile and the cold converter's before
  soffice starts. A document outside the trusted locations (there are none) may not load
  linked pictures or media (BlockUntrustedRefererLinks): this alone stops file:// and
  http:// alike. Links are never updated on load, macros never run, and every HTTP, HTTPS
  and FTP request LibreOffice still makes goes to a proxy at loopback's discard port, where
  nothing answers.
- The cold converter's soffice runs in a network namespace of its own (unshare), where no
  address, loopback included, can be reached. The pool's workers cannot: the service talks
  to them over loopback TCP, so the settings are their wall.

Workers at office_addresses run elsewhere and keep their own profile: their operator
writes these settings there (write_settings on that machine).
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import subprocess
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

log = logging.getLogger(__name__)

SCRIPTING = "/org.openoffice.Office.Common/Security/Scripting"
INTERNET = "/org.openoffice.Inet/Settings"
OOR = "http://openoffice.org/2001/registry"
NOWHERE = ("127.0.0.1", "9")  # the discard port: privileged, so no user's program listens there
# The prefixes soffice writes, kept on the items carried over (LibreOffice reads any).
for prefix, uri in (
    ("oor", OOR),
    ("xs", "http://www.w3.org/2001/XMLSchema"),
    ("xsi", "http://www.w3.org/2001/XMLSchema-instance"),
):
    ElementTree.register_namespace(prefix, uri)


@dataclass(frozen=True)
class OfficeSetting:
    """One value of LibreOffice's configuration, as registrymodifications.xcu holds it."""

    path: str
    name: str
    value: str  # "" for an empty string or an empty list


# Nothing linked is loaded or updated: pictures, media, sections, DDE and OLE links.
LINKED_CONTENT = (
    OfficeSetting(SCRIPTING, "BlockUntrustedRefererLinks", "true"),
    # No trusted location, whatever the installation's own settings say.
    OfficeSetting(SCRIPTING, "SecureURL", ""),
    OfficeSetting(SCRIPTING, "MacroSecurityLevel", "3"),  # very high: also no link updates
    OfficeSetting(SCRIPTING, "DisableMacrosExecution", "true"),
    OfficeSetting("/org.openoffice.Office.Writer/Content/Update", "Link", "0"),  # never
)
# Any request that is still made goes to a proxy where nothing answers, loopback included.
NETWORK = (
    OfficeSetting(INTERNET, "ooInetProxyType", "1"),  # manual
    *(
        setting
        for scheme in ("HTTP", "HTTPS", "FTP")
        for setting in (
            OfficeSetting(INTERNET, f"ooInet{scheme}ProxyName", NOWHERE[0]),
            OfficeSetting(INTERNET, f"ooInet{scheme}ProxyPort", NOWHERE[1]),
        )
    ),
    OfficeSetting(INTERNET, "ooInetNoProxy", ""),
)
OFFICE_SETTINGS = (*LINKED_CONTENT, *NETWORK)


def write_settings(installation: Path, settings: Sequence[OfficeSetting] = OFFICE_SETTINGS) -> Path:
    """Write the settings into the profile's user/registrymodifications.xcu; return its path.

    installation is what soffice takes as -env:UserInstallation (the worker's --profile).
    They are written again before every start, over anything soffice or a hand changed in
    their part of the configuration, so that such a profile, or one made before these
    settings, starts from them. The rest of what soffice keeps in the file stays: among it
    the marks of its first start (LastCompatibilityCheckID, ooSetupInstCompleted), without
    which every start is a first one and takes five seconds more.
    """
    user = installation / "user"
    user.mkdir(parents=True, exist_ok=True)
    target = user / "registrymodifications.xcu"
    partial = target.with_name(target.name + ".part")
    kept = items_elsewhere(target, {setting.path for setting in settings})
    partial.write_text(registry_modifications(settings, kept), encoding="utf-8")
    partial.replace(target)
    return target


def items_elsewhere(target: Path, paths: Collection[str]) -> list[str]:
    """Return the items of a registrymodifications.xcu that touch none of the paths, as text.

    An item touches a path when it sets a node at, inside or above it. A file that is missing
    or not readable XML keeps nothing.
    """
    try:
        root = ElementTree.parse(target).getroot()
    except (OSError, ElementTree.ParseError):
        return []
    kept = []
    for item in root.findall("item"):
        where = item.get(f"{{{OOR}}}path", "")
        if not any(touches(where, path) for path in paths):
            kept.append(ElementTree.tostring(item, encoding="unicode").strip())
    return kept


def touches(where: str, path: str) -> bool:
    """Return whether a configuration node at where is path, inside it or above it."""
    return where == path or where.startswith(path + "/") or path.startswith(where + "/")


def registry_modifications(settings: Sequence[OfficeSetting], kept: Sequence[str] = ()) -> str:
    """Return the settings, after the kept items, as the text of a registrymodifications.xcu file."""
    items = "".join(
        f'<item oor:path={quoteattr(s.path)}><prop oor:name={quoteattr(s.name)} oor:op="fuse">'
        f"<value>{escape(s.value)}</value></prop></item>\n"
        for s in settings
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<oor:items xmlns:oor="{OOR}" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "".join(f"{item}\n" for item in kept)
        + f"{items}</oor:items>\n"
    )


def isolated(command: Sequence[str]) -> list[str]:
    """Return the command run in a network namespace of its own, when this machine gives one."""
    return [*network_namespace(), *command]


@functools.cache
def network_namespace() -> tuple[str, ...]:
    """Return the words that start a command in its own network namespace, () when none is allowed.

    root can unshare the network directly; another user needs a user namespace first, mapped
    to itself so that files keep their owner. A machine (or container) that allows neither
    still converts: the profile settings stay the wall, and the log says so once.
    """
    unshare = shutil.which("unshare")
    if unshare is None:
        log.warning("unshare is not installed: LibreOffice converts without a network namespace")
        return ()
    attempts = (
        [(unshare, "--net")]
        if os.geteuid() == 0
        else [(unshare, "--user", "--map-current-user", "--net"),
              (unshare, "--user", "--map-root-user", "--net")]
    )  # fmt: skip
    for prefix in attempts:
        try:
            probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=30, check=False)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if probe.returncode == 0:
            return prefix
    log.warning("no network namespace allowed here: LibreOffice converts with its settings alone")
    return ()
