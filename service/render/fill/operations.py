"""Operations a template may run, each refused before it builds a value beyond the render's limits.

One operation implemented in C (`"x" * 10**9`, `s.replace("", t)`, `"%0999999999d" % 1`)
cannot be interrupted once started, so the size of its result is estimated from its
operands first. Methods are allowed by name: the few a 公文 template could want, none
that encodes, converts to bytes or reaches beyond text, mappings and lists.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping
from typing import Any

from jinja2.runtime import BlockReference, LoopContext, Macro, Undefined
from jinja2.sandbox import SandboxedFormatter, SecurityError
from jinja2.utils import Namespace
from markupsafe import EscapeFormatter

from service.render.fill.limits import LimitExceeded, RenderLimits, active_budget, size_of

# Methods that return a value no larger than their text or list, and four that pad,
# replace or join, checked against their arguments first.
TEXT_METHODS = frozenset(
    {
        "strip",
        "lstrip",
        "rstrip",
        "upper",
        "lower",
        "title",
        "capitalize",
        "swapcase",
        "casefold",
        "startswith",
        "endswith",
        "find",
        "rfind",
        "index",
        "rindex",
        "count",
        "split",
        "rsplit",
        "splitlines",
        "partition",
        "rpartition",
        "removeprefix",
        "removesuffix",
        "isdigit",
        "isalpha",
        "isalnum",
        "isspace",
        "isnumeric",
        "isdecimal",
        "islower",
        "isupper",
        "istitle",
        "center",
        "ljust",
        "rjust",
        "zfill",
        "replace",
        "join",
    }
)
MAPPING_METHODS = frozenset({"get", "items", "keys", "values"})
SEQUENCE_METHODS = frozenset({"index", "count"})
LOOP_METHODS = frozenset({"cycle", "changed"})

PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?[a-zA-Z%]")
NUMBERS = re.compile(r"\d+")


def refuse_count(what: str, count: int, limits: RenderLimits) -> None:
    """Refuse a repetition, width or group size beyond the count limit."""
    if count > limits.count:
        raise LimitExceeded(
            f"{what} {count:,} 超过上限 {limits.count:,}；公文中没有需要重复这么多次的内容，"
            "请改用固定的小数目，不要用事实数据决定次数"
        )


def refuse_size(what: str, size: int, limits: RenderLimits) -> None:
    """Refuse an operation whose result would be larger than one value may be."""
    if size > limits.value:
        raise LimitExceeded(
            f"{what}将生成约 {size:,} 个字符，超过单个值的上限（{limits.value:,}）；"
            "请简化模板，不要用事实数据决定重复次数"
        )


def measure(what: str, value: Any, limits: RenderLimits) -> Any:
    """Return a value an operation built, after counting it against the render's budget."""
    if isinstance(value, (str, bytes, list, tuple, dict, set, frozenset, int)):
        size = size_of(value, limits.value)
        refuse_size(what, size, limits)
        active_budget().spend(size)
    return value


def is_int(value: Any) -> bool:
    """Return whether a value is an integer (and not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool)


def check_binop(symbol: str, left: Any, right: Any, limits: RenderLimits) -> None:
    """Refuse `*`, `**`, `%` and `+` whose result would be beyond the limits."""
    if symbol == "*":
        _check_repeat(left, right, limits)
    elif symbol == "**" and is_int(left) and is_int(right) and right > 0:
        if max(left.bit_length(), 1) * right > limits.int_bits:
            raise LimitExceeded(f"乘方 {left} ** {right} 的结果过大；请只对小数目做乘方")
    elif symbol == "%" and isinstance(left, str):
        check_printf(left, right, limits)
    elif symbol == "+":
        size = size_of(left, limits.value) + size_of(right, limits.value)
        refuse_size("“+”连接", size, limits)


def _check_repeat(left: Any, right: Any, limits: RenderLimits) -> None:
    """Refuse a text or list repeated too often, or a product of integers too large."""
    if is_int(left) and is_int(right):
        if left.bit_length() + right.bit_length() > limits.int_bits:
            raise LimitExceeded("乘法的结果过大；请只对小数目做乘法")
        return
    sequence, count = (left, right) if is_int(right) else (right, left)
    if is_int(count) and isinstance(sequence, (str, bytes, list, tuple)):
        refuse_count("重复次数", count, limits)
        refuse_size("“*”重复", size_of(sequence, limits.value) * max(count, 0), limits)


def check_printf(template: str, arguments: Any, limits: RenderLimits) -> None:
    """Refuse %-formatting with widths beyond the limits or a result too large."""
    specs = PRINTF_SPEC.findall(template)
    for width, precision in specs:
        for number in (width, precision):
            if number == "*":
                raise LimitExceeded("格式中不能用“*”指定宽度；请写固定的宽度")
            if number:
                refuse_count("格式宽度", int(number), limits)
    if isinstance(arguments, Mapping):
        values = list(arguments.values())
    elif isinstance(arguments, tuple):
        values = list(arguments)
    else:
        values = [arguments]
    largest = max((size_of(value, limits.value) for value in values), default=0)
    # Each conversion may print the largest argument, padded to at most the count limit.
    refuse_size("“%”格式化", len(template) + len(specs) * (largest + limits.count), limits)


class CheckedFormatter(SandboxedFormatter):
    """str.format for templates: fields reached as the sandbox allows, widths and sizes checked."""

    def __init__(self, environment: Any, limits: RenderLimits, **kwargs: Any) -> None:
        self._limits = limits
        super().__init__(environment, **kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        """Return one field formatted, after checking its width and counting its size."""
        for number in NUMBERS.findall(format_spec):
            refuse_count("格式宽度", int(number), self._limits)
        refuse_size("format() 的字段", size_of(value, self._limits.value), self._limits)
        text = super().format_field(value, format_spec)
        active_budget().spend(len(text))
        return text


class CheckedEscapeFormatter(CheckedFormatter, EscapeFormatter):
    """CheckedFormatter for Markup text: fields are escaped as Markup.format escapes them."""


class StrFormat:
    """A text's format() or format_map() method, run through a CheckedFormatter."""

    def __init__(self, text: str, mapping: bool, formatter: CheckedFormatter) -> None:
        self.text = text
        self.mapping = mapping
        self.formatter = formatter

    def __call__(self, *args: Any, **kwargs: Any) -> str:
        """Return the text formatted with the arguments."""
        if self.mapping:
            if kwargs or len(args) != 1:
                raise TypeError("format_map() takes exactly one argument")
            return type(self.text)(self.formatter.vformat(self.text, (), args[0]))
        return type(self.text)(self.formatter.vformat(self.text, args, kwargs))


class CheckedRange:
    """range() for templates: at most the count limit of numbers."""

    def __init__(self, limits: RenderLimits) -> None:
        self.limits = limits

    def __call__(self, *args: int) -> range:
        """Return the range, or refuse one longer than the limit."""
        numbers = range(*args)
        try:
            length = len(numbers)
        except OverflowError:  # longer than the machine's integers
            length = self.limits.count + 1
        if length > self.limits.count:
            raise LimitExceeded(
                f"range() 将生成 {length:,} 个数，超过上限 {self.limits.count:,}；"
                "请直接遍历表单字段（如 {% for row in 字段 %}），不要用 range()"
            )
        return numbers


def check_call(target: Any, args: tuple[Any, ...], limits: RenderLimits) -> bool:
    """Refuse calls templates may not make; return whether the result is a new value to count.

    Allowed: macros and caller(), self.block(), range(), dict(), namespace(), loop.cycle()
    and loop.changed(), and the methods of text, mappings and lists named above, those
    that can grow checked against their arguments first.
    """
    if isinstance(target, Undefined):
        return False  # calling it raises the error naming what is undefined
    if isinstance(target, (Macro, BlockReference, StrFormat)):
        return True
    if isinstance(target, CheckedRange) or target is dict or target is Namespace:
        return False
    owner = getattr(target, "__self__", None)
    name = getattr(target, "__name__", "")
    if isinstance(owner, str) and name in TEXT_METHODS:
        _check_text_method(owner, name, args, limits)
        return True
    if (
        (isinstance(owner, Mapping) and name in MAPPING_METHODS)
        or (isinstance(owner, (list, tuple)) and name in SEQUENCE_METHODS)
        or (isinstance(owner, LoopContext) and name in LOOP_METHODS)
    ):
        return False
    raise SecurityError(f"模板不能调用 {name or type(target).__name__}；模板只能引用表单字段")


def _check_text_method(text: str, name: str, args: tuple[Any, ...], limits: RenderLimits) -> None:
    """Refuse a padding, replacing or joining method whose result would be too large."""
    try:
        bound = inspect.signature(getattr(str, name)).bind(text, *args).arguments
    except TypeError:
        return  # the method itself says what is wrong with its arguments
    if name in {"center", "ljust", "rjust", "zfill"} and is_int(bound.get("width")):
        refuse_count(f"{name}() 的宽度", bound["width"], limits)
    elif name == "replace":
        check_replace(text, bound.get("old"), bound.get("new"), bound.get("count", -1), limits)
    elif name == "join":
        check_join(text, bound.get("iterable"), limits)


def check_replace(text: Any, old: Any, new: Any, count: Any, limits: RenderLimits) -> None:
    """Refuse a replace whose result would be too large."""
    if not (isinstance(text, str) and isinstance(old, str) and isinstance(new, str)):
        return
    found = len(text) + 1 if old == "" else text.count(old)
    if is_int(count) and count >= 0:
        found = min(found, count)
    refuse_size("replace", len(text) + found * max(len(new) - len(old), 0), limits)


def check_join(separator: Any, items: Any, limits: RenderLimits) -> None:
    """Refuse a join whose result would be too large; only lists and text may be joined."""
    if not isinstance(items, (list, tuple, str)):
        raise LimitExceeded("join 只能连接列表；请先用 |list 转换")
    total = sum(size_of(item, limits.value) for item in items)
    refuse_size("join", total + size_of(separator, limits.value) * max(len(items) - 1, 0), limits)
