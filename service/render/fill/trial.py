"""Trial renders of an unchecked template in a child process held to memory and CPU limits.

The render limits stop what a template's Jinja code does; they cannot stop one long step
in C, such as docxtpl's regular expressions on a document crafted to make them quadratic.
A template nobody has checked yet is therefore opened and filled in a child process
(`python -m service.render.fill.trial`) that limits its own address space and CPU time before
reading anything, and is killed when it outlives its wall-clock allowance. The service
itself is never forked: the child is a new interpreter.

The child answers with two JSON lines, written as soon as each is known: the template's
body source (or why the file could not be opened), then the outcome of filling it. A child
killed while filling still leaves the first line for lint's static checks.
"""

from __future__ import annotations

import io
import json
import logging
import pickle
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.render.fill.limits import DEFAULT_LIMITS, RenderLimits

# The child is started in the folder holding this very package (the repository, or site-packages
# once installed), so that `-m service.render.fill.trial` runs the parent's code whatever the cwd holds.
PACKAGE_PARENT = Path(__file__).resolve().parents[3]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Allowance:
    """What the child may take of the machine."""

    # The interpreter with docxtpl takes 40 MB of address space; filling a template within
    # the render limits, a few hundred more at worst.
    memory_bytes: int = 1024 * 1024 * 1024
    # The child's own CPU: opening and filling a shipped template takes 0.3 seconds.
    cpu_seconds: int = 15
    # On a busy machine the child may wait for a core.
    wall_seconds: float = 30


DEFAULT_ALLOWANCE = Allowance()


@dataclass(frozen=True)
class TrialOutcome:
    """What a trial render found: the body source, or why the file could not be opened; a problem."""

    source: str | None = None
    unreadable: str | None = None  # the error that stopped python-docx or docxtpl opening it
    problem: str | None = None  # why filling failed, in Chinese; None when it filled


def trial_render(
    template: bytes,
    context: dict[str, Any],
    limits: RenderLimits = DEFAULT_LIMITS,
    allowance: Allowance | None = None,
) -> TrialOutcome:
    """Return what opening and filling the template with the context gives, found in a child.

    The allowance is DEFAULT_ALLOWANCE unless given, read when called.
    """
    allowance = allowance or DEFAULT_ALLOWANCE
    request = {"template": template, "context": context, "limits": limits, "allowance": allowance}
    command = [sys.executable, "-m", "service.render.fill.trial"]
    try:
        finished = subprocess.run(
            command, input=pickle.dumps(request), capture_output=True,
            timeout=allowance.wall_seconds, cwd=PACKAGE_PARENT, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as expired:
        partial, _done = _answers(expired.stdout or b"")
        late = f"试填超过 {allowance.wall_seconds:g} 秒仍未完成；{STUCK}"
        return TrialOutcome(partial.source, partial.unreadable, late)
    answer, done = _answers(finished.stdout)
    if finished.returncode == 0 and done:
        return answer
    log.warning("trial render ended with %s: %s", finished.returncode, finished.stderr[-2000:])
    return TrialOutcome(answer.source, answer.unreadable, _ended(finished.returncode, allowance))


STUCK = "模板可能含有大量未闭合的 {{ 或 {% 标记，或次数过多的循环；请检查模板"


def _ended(returncode: int, allowance: Allowance) -> str:
    """Return why a child that gave no outcome ended, in Chinese."""
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return f"试填超过 CPU 时间上限（{allowance.cpu_seconds} 秒）；{STUCK}"
    if returncode < 0:
        return f"试填进程异常终止（信号 {-returncode}），可能超过了内存上限；{STUCK}"
    return f"试填进程未能完成（退出码 {returncode}），请联系管理员查看日志"


def _answers(output: bytes) -> tuple[TrialOutcome, bool]:
    """Return the outcome read from the child's JSON lines (what there is of them), and whether it finished."""
    found: dict[str, Any] = {}
    for line in output.splitlines():
        try:
            found.update(json.loads(line))
        except ValueError:
            break  # a line cut off when the child was killed
    outcome = TrialOutcome(found.get("source"), found.get("unreadable"), found.get("problem"))
    return outcome, found.get("done") is True


def _limit_self(allowance: Allowance) -> None:
    """Hold this process to its memory and CPU time.

    Not niced: on a machine busy with a batch, a niced child would wait for a core past
    its wall-clock allowance and a good template would be refused.
    """
    resource.setrlimit(resource.RLIMIT_AS, (allowance.memory_bytes, allowance.memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (allowance.cpu_seconds, allowance.cpu_seconds + 1))


def _tell(answer: dict[str, Any]) -> None:
    """Write one JSON line to the parent at once."""
    sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def main() -> None:
    """Read the request on stdin, open and fill the template, answer on stdout."""
    # Written by trial_render, never by a user; read whole before any limit could cut it.
    request = pickle.loads(sys.stdin.buffer.read())
    _limit_self(request["allowance"])
    from service.render.fill.docx import (
        GuardedDocxTemplate,
        TemplateProblem,
        body_source,
        render_docx,
    )

    template: bytes = request["template"]
    try:
        source = body_source(GuardedDocxTemplate(io.BytesIO(template)))
    except MemoryError:
        _tell(
            {
                "unreadable": "MemoryError",
                "problem": f"打开模板时超过内存上限；{STUCK}",
                "done": True,
            }
        )
        return
    except Exception as error:  # any failure to open the file is the file's, reported as such
        _tell({"unreadable": type(error).__name__, "done": True})
        return
    _tell({"source": source})
    problem = None
    try:
        render_docx(template, request["context"], request["limits"])
    except TemplateProblem as refused:
        problem = str(refused)
    except MemoryError:
        problem = f"试填时超过内存上限；{STUCK}"
    except Exception as error:  # the template's, since the context is the sample's
        problem = f"试填时出错（{type(error).__name__}: {error}）"
    _tell({"problem": problem, "done": True})


if __name__ == "__main__":
    main()
