"""Not issued, nothing used: the one family of failures that issuing, previewing and re-rendering raise."""

from __future__ import annotations

import errno
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from service.archive.seals import SealUnusable
from service.archive.store import ArchiveFull
from service.instruments.facts import InvalidFacts
from service.instruments.registry import UnknownKind
from service.render.fill.docx import TemplateProblem
from service.render.ofd.errors import OfdError
from service.render.office.retry import OfficeError
from service.render.signing import SigningFailed

# Why the archive's disk refused a file, in words a clerk can pass on to the administrator.
ARCHIVE_REFUSALS = {
    errno.EROFS: "磁盘为只读",
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EDQUOT: "超出磁盘配额",
    errno.EIO: "磁盘读写出错",
}


class NotIssued(Exception):
    """Raised when a document was not issued, previewed or rendered again: nothing was used.

    No 文号 was claimed and no file was left in the archive, so the same request can simply
    be made again once the cause is fixed. The message, in Chinese, says what went wrong and
    how to fix it; the subclass says which kind of cause it was.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        """Return the Chinese message."""
        return self.message


class FactsRefused(NotIssued):
    """Raised when the facts fail their instrument's rules; errors maps each field to its messages."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors = {name: list(messages) for name, messages in errors.items()}
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in self.errors.items()))

    def lines(self) -> list[str]:
        """Return one "field: message" line per problem."""
        return [
            f"{name}: {message}" for name, messages in self.errors.items() for message in messages
        ]


class KindUnknown(NotIssued):
    """Raised for a kind of instrument that the registry does not have."""


class TemplateUnusable(NotIssued):
    """Raised when the template cannot be filled: missing, altered, refused, or broken by its own code."""


class ConversionFailed(NotIssued):
    """Raised when LibreOffice could not turn the filled template into PDF/A."""


class ArchiveUnwritable(NotIssued):
    """Raised when the archive's disk would not take the file: full, read-only, or failing."""


class SealingFailed(NotIssued):
    """Raised when a sealed kind could not be signed: the installed seal unusable, the timestamp authority silent."""


class NumbersBusy(NotIssued):
    """Raised when other documents of the same series kept taking the number this one was given."""


class PageUndrawable(NotIssued):
    """Raised when a rendered preview could not be drawn as an image."""


class DocumentUnknown(NotIssued):
    """Raised when the archived document to render again, or to serve, does not exist."""


class NotServable(NotIssued):
    """Raised when a document cannot be served: it is voided, or served already.

    receipt is the id and 文号 of the 送达回证 that served it, None for a voided document.
    """

    def __init__(self, message: str, receipt: tuple[int, str] | None = None) -> None:
        super().__init__(message)
        self.receipt = receipt


@contextmanager
def nothing_used() -> Iterator[None]:
    """Turn the expected failures of the layers below into the family, their messages kept.

    Wraps a use case whose every step up to the commit leaves nothing behind when it fails;
    the original error stays attached as the cause, for the log.
    """
    try:
        yield
    except InvalidFacts as error:
        raise FactsRefused(error.errors) from error
    except UnknownKind as error:
        raise KindUnknown(str(error)) from error
    except TemplateProblem as error:
        raise TemplateUnusable(str(error)) from error
    except OfficeError as error:
        raise ConversionFailed(str(error)) from error
    except OfdError as error:
        raise ConversionFailed(f"OFD 无法写出：{error}") from error
    except (SigningFailed, SealUnusable) as error:
        raise SealingFailed(str(error)) from error


def archive_refusal(root: Path, error: OSError) -> ArchiveUnwritable:
    """Return the family's error for a file the archive store could not write under root."""
    if isinstance(error, ArchiveFull):
        return ArchiveUnwritable(str(error))
    reason = ARCHIVE_REFUSALS.get(error.errno or 0) or error.strerror or type(error).__name__
    return ArchiveUnwritable(
        f"归档存储无法写入（{root}：{reason}），请管理员检查归档目录的挂载、权限和磁盘后重试"
    )
