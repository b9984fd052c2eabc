"""The filters templates may use: those that can build large values checked first, all counted.

Each checked filter takes exactly the arguments of Jinja's own and calls it once its
arguments are known to be within the render's limits; every other filter runs as Jinja
has it, its result counted against the render's budget.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from jinja2 import pass_environment, pass_eval_context
from jinja2.filters import (
    FILTERS,
    do_batch,
    do_center,
    do_format,
    do_indent,
    do_replace,
    do_wordwrap,
    sync_do_join,
    sync_do_list,
    sync_do_slice,
    sync_do_sum,
)
from jinja2.nodes import EvalContext
from jinja2.sandbox import SecurityError
from markupsafe import soft_str

from service.render.fill.limits import LimitExceeded, RenderLimits, active_budget, size_of
from service.render.fill.operations import (
    check_join,
    check_printf,
    check_replace,
    is_int,
    measure,
    refuse_count,
    refuse_size,
)

# Filters made for HTML pages (links, attributes, JSON) or giving another document on each
# render (random): an archived 公文 has no use for them.
REMOVED_FILTERS = frozenset({"urlize", "xmlattr", "tojson", "pprint", "random"})


def template_filters(limits: RenderLimits) -> dict[str, Callable[..., Any]]:
    """Return the filters of a template environment under these limits."""
    return dict(_filters_for(limits))


@functools.cache
def _filters_for(limits: RenderLimits) -> dict[str, Callable[..., Any]]:
    """Return the filters under these limits, made once per set of limits."""
    checked = _checked_filters(limits)
    filters: dict[str, Callable[..., Any]] = {}
    for name, function in FILTERS.items():
        if name in REMOVED_FILTERS:
            filters[name] = _removed(name)
        else:
            filters[name] = checked.get(name) or _counted(name, function, limits)
    return filters


def _removed(name: str) -> Callable[..., Any]:
    """Return a filter that says, when used, that it is not available to templates."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise SecurityError(
            f"过滤器 {name} 不可用：它用于网页或每次结果不同，公文模板用不到；请删去它"
        )

    return refuse


def _counted(name: str, function: Callable[..., Any], limits: RenderLimits) -> Callable[..., Any]:
    """Return a filter that counts the value it builds (not one it passes through)."""

    def run(*args: Any, **kwargs: Any) -> Any:
        active_budget().tick()
        result = function(*args, **kwargs)
        if any(result is argument for argument in args):
            return result
        return measure(f"过滤器 {name} ", result, limits)

    # Jinja reads from the function whether to pass it the environment or the context.
    run.__dict__.update(getattr(function, "__dict__", {}))
    run.__name__ = getattr(function, "__name__", name)
    run.__doc__ = function.__doc__
    return run


def _checked_filters(limits: RenderLimits) -> dict[str, Callable[..., Any]]:
    """Return the filters that check their arguments before building their result."""

    def center(value: str, width: int = 80) -> str:
        if is_int(width):
            refuse_count("center 的宽度", width, limits)
        return measure("过滤器 center ", do_center(value, width), limits)

    def indent(s: str, width: int | str = 4, first: bool = False, blank: bool = False) -> str:
        step = len(width) if isinstance(width, str) else width if is_int(width) else 0
        refuse_count("indent 的缩进宽度", step, limits)
        text = soft_str(s)
        refuse_size("indent ", len(text) + (text.count("\n") + 1) * step, limits)
        return measure("过滤器 indent ", do_indent(s, width, first, blank), limits)

    @pass_environment
    def wordwrap(environment: Any, s: str, width: int = 79, break_long_words: bool = True,
                 wrapstring: str | None = None, break_on_hyphens: bool = True) -> str:  # fmt: skip
        text, wrap = soft_str(s), wrapstring if wrapstring is not None else "\n"
        if is_int(width) and isinstance(wrap, str):
            refuse_size(
                "wordwrap ", len(text) + (len(text) // max(width, 1) + 1) * len(wrap), limits
            )
        result = do_wordwrap(environment, s, width, break_long_words, wrapstring, break_on_hyphens)
        return measure("过滤器 wordwrap ", result, limits)

    @pass_eval_context
    def replace(eval_ctx: EvalContext, s: str, old: str, new: str, count: int | None = None) -> str:
        check_replace(
            soft_str(s), soft_str(old), soft_str(new), -1 if count is None else count, limits
        )
        return measure("过滤器 replace ", do_replace(eval_ctx, s, old, new, count), limits)

    @pass_eval_context
    def join(
        eval_ctx: EvalContext, value: Iterable[Any], d: str = "", attribute: Any = None
    ) -> str:
        items = value if isinstance(value, (list, tuple, str)) else list(_bounded(value, limits))
        check_join(d, items, limits)
        return measure("过滤器 join ", sync_do_join(eval_ctx, items, d, attribute), limits)

    def format_(value: str, *args: Any, **kwargs: Any) -> str:  # the filter "format"
        check_printf(soft_str(value), kwargs or args, limits)
        return measure("过滤器 format ", do_format(value, *args, **kwargs), limits)

    def to_list(value: Iterable[Any]) -> list[Any]:
        refuse_size("list ", size_of(value, limits.value), limits)
        return measure("过滤器 list ", sync_do_list(_bounded(value, limits)), limits)

    def string(value: Any) -> str:
        refuse_size("string ", size_of(value, limits.value), limits)
        return measure("过滤器 string ", soft_str(value), limits)

    def batch(value: Iterable[Any], linecount: int, fill_with: Any = None) -> Any:
        if is_int(linecount):
            refuse_count("batch 的每组个数", linecount, limits)
        return do_batch(_bounded(value, limits), linecount, fill_with)

    def slice_(value: Any, slices: int, fill_with: Any = None) -> Any:  # the filter "slice"
        if is_int(slices):
            refuse_count("slice 的份数", slices, limits)
        return sync_do_slice(value, slices, fill_with)

    @pass_environment
    def sum_(
        environment: Any, iterable: Iterable[Any], attribute: Any = None, start: Any = 0
    ) -> Any:
        if not isinstance(start, (int, float, Decimal)):
            raise LimitExceeded("sum 的起始值只能是数字；请去掉 start 参数或改用数字")
        return measure("过滤器 sum ", sync_do_sum(environment, iterable, attribute, start), limits)

    return {"center": center, "indent": indent, "wordwrap": wordwrap, "replace": replace,
            "join": join, "format": format_, "list": to_list, "string": string, "batch": batch,
            "slice": slice_, "sum": sum_}  # fmt: skip


def _bounded(values: Iterable[Any], limits: RenderLimits) -> Iterable[Any]:
    """Return the items of an iterable, refusing more than one value may hold."""
    if isinstance(values, (list, tuple, str, dict)):
        return values
    items = []
    for item in values:
        items.append(item)
        if len(items) > limits.value:
            refuse_size("列表", len(items), limits)
    return items
