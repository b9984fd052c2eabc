"""Settings: defaults, then the instance's wenshu.toml, then WENSHU_* environment variables."""

from __future__ import annotations

import os
import shutil
import sys
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from service.foundations.shipped import shipped_templates

# The folder holding the service package: the repository, or site-packages once installed.
PROJECT_ROOT = Path(__file__).resolve().parents[2]


def default_instance_path() -> Path:
    """Return the instance folder used unless one is set: instance/ in a checkout.

    An installed package keeps its instance in <prefix>/var/wenshu-instance, where Flask puts
    an installed application's, never inside site-packages.
    """
    if PROJECT_ROOT.name in {"site-packages", "dist-packages"}:
        return Path(sys.prefix) / "var" / "wenshu-instance"
    return PROJECT_ROOT / "instance"


def _default_uno_python() -> str:
    """Return a Python that imports LibreOffice's uno: this one if it can, else Debian's."""
    try:
        import uno  # noqa: F401
    except ImportError:
        return "/usr/bin/python3"
    return sys.executable


@dataclass(frozen=True)
class Bureau:
    """The issuing body: its name as printed and its 机关代字 per numbering series."""

    name: str = "岳阳市君山区史志档案局"
    short_name: str = "君山区史志档案局"
    agency_codes: dict[str, str] = field(default_factory=dict)
    # The 印发机关 a 文件格式 document's 版记 names (GB/T 9704 7.4.3): the office that prints and
    # sends the bureau's documents; its 办公室 unless the bureau names another.
    printing_office: str = ""

    def __post_init__(self) -> None:
        """Name the bureau's 办公室 as its printing office when none is set."""
        if not self.printing_office:
            object.__setattr__(self, "printing_office", f"{self.name}办公室")


@dataclass(frozen=True)
class Settings:
    """Everything the service reads from its environment, resolved once at start."""

    instance_path: Path = field(default_factory=default_instance_path)
    database_url: str = ""
    templates_path: Path = field(default_factory=shipped_templates)
    secret_key: str = ""
    bureau: Bureau = field(default_factory=Bureau)
    # LibreOffice workers: started by the service (office_workers of them) unless
    # office_addresses lists workers (uno_worker.py) that run elsewhere ("host:port").
    office_workers: int = 2
    office_addresses: tuple[str, ...] = ()
    office_timeout: float = 60.0
    office_restart_after: int = 200
    # A worker whose processes grew past this share over their level after warm-up is renewed
    # (soffice keeps about half a megabyte of every document); 0 renews by count alone.
    office_memory_growth: float = 0.15
    office_start_timeout: float = 90.0
    soffice_path: str = field(default_factory=lambda: shutil.which("soffice") or "soffice")
    uno_python: str = field(default_factory=_default_uno_python)
    fontconfig_file: Path = Path(__file__).resolve().parents[1] / "render" / "fonts.conf"
    max_upload_bytes: int = 16 * 1024 * 1024
    # Bureau policy the forms' rules read, e.g. [policy.penalty_tiers] in wenshu.toml.
    policy: dict[str, Any] = field(default_factory=dict)
    # Hours between the service's own checks of the archive's fixity and audit chain; 0 disables.
    verify_interval_hours: float = 24.0
    # Folders that every machine of the service must share when batch workers run on
    # several machines (an NFS mount, say); by default inside the instance folder.
    archive_folder: str = ""
    batch_folder: str = ""
    # A Celery broker (redis://host:port/db): batch jobs go to `wenshu worker` processes
    # through it instead of running inside the web service.
    broker_url: str = ""
    # Signing in: a session ends after this many minutes without a request, whatever its cookie says.
    session_idle_minutes: float = 30.0
    # Reverse proxies in front of the service whose X-Forwarded-For, -Proto, -Host and -Port are
    # believed (0: none; the client's address and scheme are those of the connection itself).
    trusted_proxies: int = 0
    # Cookies are Secure on every request that came over HTTPS; this marks them Secure on plain
    # HTTP requests too (TLS ended by a proxy that sends no X-Forwarded-Proto).
    secure_cookies: bool = False
    # Failed sign-ins: after login_account_failures failures of one user name, or
    # login_address_failures from one address, within login_window_minutes, further attempts
    # wait login_lockout_minutes, doubled at each further lock up to login_lockout_max_minutes.
    login_account_failures: int = 5
    login_address_failures: int = 20
    login_window_minutes: float = 15.0
    login_lockout_minutes: float = 5.0
    login_lockout_max_minutes: float = 60.0
    # An RFC 3161 timestamp authority (http://host/path): each signature of a sealed document
    # then carries its timestamp (PAdES B-T); "" signs without one (B-B).
    tsa_url: str = ""
    # The bureau's time zone (IANA name): every time a page shows and every default date (a
    # form's date, today's deadlines) is the bureau's, whatever the server's own zone.
    timezone: str = "Asia/Shanghai"

    @property
    def archive_path(self) -> Path:
        """Return the folder holding archived PDFs."""
        return Path(self.archive_folder) if self.archive_folder else self.instance_path / "archive"

    @property
    def batch_path(self) -> Path:
        """Return the folder holding staged batch uploads and each batch job's outputs."""
        return Path(self.batch_folder) if self.batch_folder else self.instance_path / "batches"

    @property
    def office_profiles_path(self) -> Path:
        """Return the folder holding one LibreOffice user profile per worker."""
        return self.instance_path / "office"

    @property
    def resolved_database_url(self) -> str:
        """Return the database URL, defaulting to SQLite inside the instance folder."""
        return self.database_url or f"sqlite:///{self.instance_path / 'wenshu.sqlite3'}"


_ENVIRONMENT = {
    "WENSHU_INSTANCE": "instance_path",
    "WENSHU_DATABASE_URL": "database_url",
    "WENSHU_TEMPLATES": "templates_path",
    "WENSHU_SECRET_KEY": "secret_key",
    "WENSHU_OFFICE_WORKERS": "office_workers",
    "WENSHU_OFFICE_ADDRESSES": "office_addresses",
    "WENSHU_OFFICE_TIMEOUT": "office_timeout",
    "WENSHU_OFFICE_RESTART_AFTER": "office_restart_after",
    "WENSHU_OFFICE_MEMORY_GROWTH": "office_memory_growth",
    "WENSHU_SOFFICE": "soffice_path",
    "WENSHU_UNO_PYTHON": "uno_python",
    "WENSHU_VERIFY_INTERVAL_HOURS": "verify_interval_hours",
    "WENSHU_ARCHIVE": "archive_folder",
    "WENSHU_BATCHES": "batch_folder",
    "WENSHU_BROKER_URL": "broker_url",
    "WENSHU_SESSION_IDLE_MINUTES": "session_idle_minutes",
    "WENSHU_TRUSTED_PROXIES": "trusted_proxies",
    "WENSHU_SECURE_COOKIES": "secure_cookies",
    "WENSHU_LOGIN_ACCOUNT_FAILURES": "login_account_failures",
    "WENSHU_LOGIN_ADDRESS_FAILURES": "login_address_failures",
    "WENSHU_LOGIN_WINDOW_MINUTES": "login_window_minutes",
    "WENSHU_LOGIN_LOCKOUT_MINUTES": "login_lockout_minutes",
    "WENSHU_LOGIN_LOCKOUT_MAX_MINUTES": "login_lockout_max_minutes",
    "WENSHU_TSA_URL": "tsa_url",
    "WENSHU_TIMEZONE": "timezone",
}


def load_settings(overrides: dict[str, Any] | None = None) -> Settings:
    """Return settings from defaults, the instance's wenshu.toml, the environment and overrides."""
    values: dict[str, Any] = {}
    for variable, name in _ENVIRONMENT.items():
        if variable in os.environ:
            values[name] = os.environ[variable]
    values.update(overrides or {})
    instance = Path(values.get("instance_path", default_instance_path())).resolve()
    from_file = _read_instance_file(instance / "wenshu.toml")
    merged = {**from_file, **values, "instance_path": instance}
    return _coerce(merged)


def _read_instance_file(path: Path) -> dict[str, Any]:
    """Return the settings written in an instance's wenshu.toml, if it has one."""
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _coerce(values: dict[str, Any]) -> Settings:
    """Return Settings built from loosely typed values (strings from the environment)."""
    known = {f.name: f for f in fields(Settings)}
    unknown = set(values) - set(known)
    if unknown:
        raise ValueError(f"unknown settings: {', '.join(sorted(unknown))}")
    settings = Settings()
    typed: dict[str, Any] = {}
    for name, value in values.items():
        default = getattr(settings, name)
        if isinstance(default, Path):
            typed[name] = Path(value)
        elif isinstance(default, bool):
            typed[name] = value if isinstance(value, bool) else str(value).lower() in {"1", "true"}
        elif isinstance(default, int):
            typed[name] = int(value)
        elif isinstance(default, float):
            typed[name] = float(value)
        elif isinstance(default, tuple):
            items = value.split(",") if isinstance(value, str) else value
            typed[name] = tuple(item.strip() for item in items if item.strip())
        elif isinstance(default, dict):
            typed[name] = dict(value)
        elif isinstance(default, Bureau):
            typed[name] = value if isinstance(value, Bureau) else Bureau(**value)
        else:
            typed[name] = value
    if "timezone" in typed:
        _check_zone(str(typed["timezone"]))
    return replace(settings, **typed)


def _check_zone(name: str) -> None:
    """Raise ValueError for a time zone name the zone database does not know."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f"unknown time zone: {name!r} (an IANA name, e.g. Asia/Shanghai)"
        ) from error
