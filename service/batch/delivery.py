"""A finished job's outputs as one reader receives them: only the copies whose 密级 the reader may see."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from service.archive.access import Visibility
from service.batch.outputs import IssuedCopy, issued_copies, write_outputs
from service.batch.submission import OUTPUTS, outputs_folder
from service.services import Wenshu

APART = "readers"  # beside a job's outputs: those written for readers who see only some copies


@dataclass(frozen=True)
class Delivery:
    """Where the outputs a reader receives are, and the copies they hold."""

    folder: Path
    copies: list[IssuedCopy]


def outputs_for(wenshu: Wenshu, job_id: int, classifications: Visibility) -> Delivery | None:
    """Return the outputs holding the copies of the 密级 in classifications; None if there are none.

    A reader who may see every copy receives the job's outputs as written. For one who may
    not, outputs of the copies he may see are written apart, once, in a folder named by
    their file names (a copy classified later makes another): merged.pdf, copies.zip and
    manifest.csv then hold the others as if they had never been issued.
    """
    visible = issued_copies(wenshu, job_id, classifications)
    if not visible:
        return None
    folder = outputs_folder(wenshu, job_id)
    if classifications is None or len(visible) == len(issued_copies(wenshu, job_id)):
        return Delivery(folder, visible)
    names = "\n".join(copy.file_name for copy in visible)  # 文号 and 份号, copy by copy
    target = folder / APART / hashlib.sha256(names.encode("utf-8")).hexdigest()
    if not all((target / name).is_file() for name in OUTPUTS):
        _write_apart(wenshu, visible, target)
    return Delivery(target, visible)


def _write_apart(wenshu: Wenshu, copies: list[IssuedCopy], target: Path) -> None:
    """Write the outputs of copies into target, whole or not at all.

    They are written in a temporary folder renamed into place, so that two readers asking
    at once never see each other's half-written files; the second rename finds the folder
    there and its own is dropped.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = Path(tempfile.mkdtemp(prefix=".part-", dir=target.parent))
    try:
        write_outputs(wenshu, copies, partial)
        partial.rename(target)
    except OSError:
        if not target.is_dir():
            raise
    finally:
        shutil.rmtree(partial, ignore_errors=True)
