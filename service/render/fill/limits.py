"""The limits of one template render: time, loop iterations, text produced, sizes of values.

A template is written by a maintainer, but its loops run over facts a clerk or another
program supplies, so what a template costs is only known when it is filled. Every render
(lint's trial, preview, issue, batch copy) carries a Budget: the template's own code
spends from it as it runs, and a template that goes beyond it stops with a
LimitExceeded saying which limit, instead of taking the machine's memory or CPU.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from jinja2 import TemplateRuntimeError

T = TypeVar("T")


@dataclass(frozen=True)
class RenderLimits:
    """How much one render may do; the defaults leave every instrument of the bureau room to spare.

    The largest filled body of the shipped templates is 42,000 characters (the sampling
    list); a sampling list for a 2,000-unit register is about 3 million, some sixty pages.
    """

    # Wall-clock seconds for filling every part of one document: a filled body takes
    # milliseconds, so five seconds is only reached by runaway loops.
    seconds: float = 5.0
    # Loop iterations and macro calls over the whole render, nested loops multiplied: the
    # sampling list of a 2,000-unit register runs some 6,000.
    iterations: int = 100_000
    # range() lengths, repetition counts (`"—" * 28`), widths and group sizes of filters.
    # A page holds 22 lines of 28 characters; nothing on a 公文 repeats a thousand times.
    count: int = 1_000
    # Size of any one value one operation builds (characters of text, items of a list).
    value: int = 4_000_000
    # Characters produced over the whole render, every output piece and every value built
    # counted: about 80 MB of text at most, beside the sixty-page body's few million.
    output: int = 20_000_000
    # Bits of an integer built by * or **: amounts and counts need under 64.
    int_bits: int = 1_024
    # Nested macro calls: a macro calling itself is stopped long before Python's own limit.
    macro_depth: int = 50
    # Characters of one part's template source: the shipped bodies are under 15,000.
    source: int = 8_000_000


DEFAULT_LIMITS = RenderLimits()


class LimitExceeded(TemplateRuntimeError):
    """Raised inside a render that goes beyond one of its limits; the message says which and what to do."""


class Budget:
    """What one render has spent so far of its limits."""

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.iterations = 0
        self.spent = 0
        self.depth = 0

    def tick(self) -> None:
        """Stop the render when its time is up."""
        if time.monotonic() > self.deadline:
            raise LimitExceeded(
                f"填充模板超过时间上限（{self.limits.seconds:g} 秒）；"
                "模板中可能有次数过多的循环或重复，请简化模板"
            )

    def iterate(self) -> None:
        """Count one loop iteration or macro call; stop the render past the limit or the deadline."""
        self.iterations += 1
        if self.iterations > self.limits.iterations:
            raise LimitExceeded(
                f"循环和宏调用的总次数超过上限（{self.limits.iterations:,} 次）；次数可能取决于"
                "事实数据（如嵌套循环），请直接遍历表单字段，避免嵌套循环、range() 和宏的递归调用"
            )
        self.tick()

    def spend(self, size: int) -> None:
        """Count characters produced; stop the render past the output limit or the deadline."""
        self.spent += size
        if self.spent > self.limits.output:
            raise LimitExceeded(
                f"填充后的内容超过上限（{self.limits.output:,} 个字符）；"
                "模板中可能有次数过多的循环或重复，请简化模板"
            )
        self.tick()

    def counted(self, iterable: Iterable[T]) -> Iterator[T]:
        """Return the items of a loop's iterable, each counted as one iteration."""
        for item in iterable:
            self.iterate()
            yield item

    def enter_macro(self) -> None:
        """Count a macro call and one level of nesting; stop the render past either limit.

        Every call must be followed by leave_macro, also when the macro fails.
        """
        self.iterate()  # a macro calling itself twice grows as fast as nested loops
        self.depth += 1
        if self.depth > self.limits.macro_depth:
            raise LimitExceeded(
                f"宏嵌套调用超过 {self.limits.macro_depth} 层（可能是宏调用了自身）；"
                "请去掉宏的递归调用"
            )

    def leave_macro(self) -> None:
        """End one level of macro nesting."""
        self.depth -= 1


_active: ContextVar[Budget | None] = ContextVar("wenshu_render_budget", default=None)


@contextlib.contextmanager
def render_budget(limits: RenderLimits) -> Iterator[Budget]:
    """Run a render under a new budget, or under the enclosing one when a render is under way.

    docxtpl fills the body, headers, footers and properties one after the other: they
    share the budget of the document they belong to.
    """
    current = _active.get()
    if current is not None:
        yield current
        return
    budget = Budget(limits)
    token = _active.set(budget)
    try:
        yield budget
    finally:
        _active.reset(token)


def active_budget() -> Budget:
    """Return the budget of the render under way; template code never runs without one."""
    budget = _active.get()
    if budget is None:
        raise LimitExceeded("模板只能在受限的填充过程中运行")
    return budget


def size_of(value: Any, stop: int) -> int:
    """Return about how many characters a value prints as, counting no further than past stop.

    Text counts its characters, a list or mapping its items and what they hold (a list of
    a thousand references to one long text prints a thousand copies of it), a number its
    digits; anything else a few characters.
    """
    total = 0
    pending = [value]
    while pending and total <= stop:
        item = pending.pop()
        if isinstance(item, (str, bytes)):
            total += len(item)
        elif isinstance(item, (list, tuple, set, frozenset)):
            total += len(item) + 1
            pending.extend(item)
        elif isinstance(item, dict):
            total += len(item) + 1
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, int):
            total += item.bit_length() // 3 + 1
        else:
            total += 8
    return total
