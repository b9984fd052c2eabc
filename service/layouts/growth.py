"""Static checks of template constructs whose size depends on facts rather than on the template.

A loop over range(fact) or a text repeated `fact` times is harmless with the sample facts
lint tries and explodes with others. The render limits stop it at issue time whatever the
facts; these checks say so at lint time, where the maintainer can still change it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from jinja2 import nodes

from service.render.fill.limits import RenderLimits
from service.render.fill.operations import (
    LOOP_METHODS,
    MAPPING_METHODS,
    SEQUENCE_METHODS,
    TEXT_METHODS,
)

# Filters and their parameters that set how large the result is (position after the value).
SIZE_PARAMETERS = {
    "center": ("width", 0),
    "indent": ("width", 0),
    "wordwrap": ("width", 0),
    "batch": ("linecount", 0),
    "slice": ("slices", 0),
}
CALLABLE_METHODS = (
    TEXT_METHODS | MAPPING_METHODS | SEQUENCE_METHODS | LOOP_METHODS | {"format", "format_map"}
)
ITERATE_FIELDS = "请直接遍历表单字段（{% for row in 字段 %}），序号用 loop.index"
FIXED_NUMBER = "请改用不超过上限的固定数字，不要用事实数据决定次数"


@dataclass(frozen=True)
class Finding:
    """One construct whose size depends on facts: error or warning, its line, what and what to do."""

    level: str
    line: int | None
    message: str
    advice: str


def growth_findings(
    tree: nodes.Template, filters: set[str], limits: RenderLimits
) -> Iterator[Finding]:
    """Yield what in a parsed template grows with the facts or goes beyond the render limits."""
    yield from _loops(tree.body, [], limits)
    for call in tree.find_all(nodes.Call):
        yield from _call(call, limits)
    for operation in tree.find_all((nodes.Mul, nodes.Pow)):
        yield from _repetition(operation, limits)
    for used in tree.find_all(nodes.Filter):
        yield from _filter(used, filters, limits)
    for macro in tree.find_all(nodes.Macro):
        calls_itself = any(
            isinstance(call.node, nodes.Name) and call.node.name == macro.name
            for call in macro.find_all(nodes.Call)
        )
        if calls_itself:
            yield Finding("error", macro.lineno, f"宏 {macro.name} 调用了自身（递归）",
                          "公文模板不需要递归，请改为直接遍历表单字段")  # fmt: skip


def _loops(body: list[nodes.Node], outer: list[tuple[nodes.For, int | None]],
           limits: RenderLimits) -> Iterator[Finding]:  # fmt: skip
    """Yield findings of the loops in body, nested inside the outer loops given."""
    for node in body:
        for loop in _outermost_loops(node):
            if loop.recursive:
                yield Finding("error", loop.lineno, "循环使用了 recursive（递归循环）",
                              "公文模板不需要递归循环，请删去 recursive")  # fmt: skip
            count = _literal_length(loop.iter)
            if outer and not _derived_from(loop.iter, outer[-1][0]):
                yield Finding(
                    "warning", loop.lineno,
                    f"第{outer[-1][0].lineno}行的循环里又嵌套了一个不相关的循环，次数是两者条数的乘积，"
                    "换一组事实可能大得多",
                    f"避免嵌套循环；填充时循环总次数上限为 {limits.iterations:,} 次",
                )  # fmt: skip
            known = [c for _loop, c in outer if c is not None] + (
                [count] if count is not None else []
            )
            product = 1
            for value in known:
                product *= value
            if count is not None and len(known) > 1 and product > limits.iterations:
                yield Finding("error", loop.lineno,
                              f"嵌套循环共 {product:,} 次，超过上限 {limits.iterations:,}",
                              "请减少循环的嵌套或次数")  # fmt: skip
            yield from _loops(loop.body + loop.else_, [*outer, (loop, count)], limits)


def _outermost_loops(node: nodes.Node) -> Iterator[nodes.For]:
    """Yield the for loops in node that are not inside another loop in node."""
    if isinstance(node, nodes.For):
        yield node
        return
    for child in node.iter_child_nodes():
        yield from _outermost_loops(child)


def _derived_from(iterable: nodes.Node, loop: nodes.For) -> bool:
    """Return whether an iterable is reached through the loop's own variables (row.officers)."""
    targets = {name.name for name in _names(loop.target)} | {"loop"}
    return any(name.name in targets for name in _names(iterable))


def _names(node: nodes.Node) -> list[nodes.Name]:
    """Return the names in an expression, the expression itself included."""
    found = list(node.find_all(nodes.Name))
    return [node, *found] if isinstance(node, nodes.Name) else found


def _literal_length(iterable: nodes.Node) -> int | None:
    """Return how many items a literal iterable has (a list, or range() of numbers), else None."""
    if isinstance(iterable, (nodes.List, nodes.Tuple)):
        return len(iterable.items)
    numbers = _range_numbers(iterable)
    if numbers is None:
        return None
    try:
        return len(range(*numbers))
    except (OverflowError, TypeError, ValueError):
        return None


def _range_numbers(node: nodes.Node) -> list[int] | None:
    """Return the arguments of range(...) when all are integer literals, else None."""
    if not (isinstance(node, nodes.Call) and isinstance(node.node, nodes.Name)):
        return None
    if node.node.name != "range" or node.kwargs or node.dyn_args or node.dyn_kwargs:
        return None
    values = [_integer(argument) for argument in node.args]
    return None if any(v is None for v in values) else [v for v in values if v is not None]


def _integer(node: nodes.Node) -> int | None:
    """Return an integer literal's value (a negative one too), else None."""
    if isinstance(node, nodes.Neg):
        inner = _integer(node.node)
        return None if inner is None else -inner
    if (
        isinstance(node, nodes.Const)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        return node.value
    return None


def _call(call: nodes.Call, limits: RenderLimits) -> Iterator[Finding]:
    """Yield findings of range() from facts and of methods a template may not call."""
    if isinstance(call.node, nodes.Name) and call.node.name == "range":
        numbers = _range_numbers(call)
        if numbers is None:
            yield Finding("error", call.lineno, "range() 的范围来自事实数据或运算，换一组事实可能极大",
                          ITERATE_FIELDS)  # fmt: skip
            return
        length = _literal_length(call)
        if length is None or length > limits.count:
            yield Finding(
                "error", call.lineno, f"range() 的长度超过上限 {limits.count:,}", FIXED_NUMBER
            )
    elif (
        isinstance(call.node, nodes.Getattr)
        and call.node.attr not in CALLABLE_METHODS
        and not (isinstance(call.node.node, nodes.Name) and call.node.node.name == "self")
    ):
        yield Finding("error", call.lineno, f"模板不能调用方法 {call.node.attr}()",
                      "模板只能引用表单字段；可用的方法有 strip、replace、split、join 等")  # fmt: skip


def _repetition(operation: nodes.BinExpr, limits: RenderLimits) -> Iterator[Finding]:
    """Yield findings of `*` and `**` whose size is not fixed by the template."""
    left, right = _integer(operation.left), _integer(operation.right)
    symbol = "*" if isinstance(operation, nodes.Mul) else "**"
    if left is None and right is None:
        yield Finding("warning", operation.lineno,
                      f"“{symbol}”的两边都不是固定数字：若一边是文字，重复次数取决于事实数据",
                      FIXED_NUMBER)  # fmt: skip
    elif symbol == "*" and max(abs(left or 0), abs(right or 0)) > limits.count:
        yield Finding("error", operation.lineno, f"重复次数超过上限 {limits.count:,}", FIXED_NUMBER)
    elif symbol == "**" and right is None:
        yield Finding("warning", operation.lineno, "乘方的指数不是固定数字", FIXED_NUMBER)


def _filter(used: nodes.Filter, filters: set[str], limits: RenderLimits) -> Iterator[Finding]:
    """Yield findings of filters that do not exist here and of sizes set by facts."""
    if used.name not in filters:
        yield Finding("error", used.lineno, f"过滤器 {used.name} 不可用",
                      "公文模板可用 default、join、replace、trim、upper、length 等过滤器")  # fmt: skip
        return
    parameter = SIZE_PARAMETERS.get(used.name)
    if parameter is None:
        return
    keyword, position = parameter
    given = [k.value for k in used.kwargs if k.key == keyword]
    if len(used.args) > position:
        given.append(used.args[position])
    for argument in given:
        value = _integer(argument)
        if value is None and not (
            isinstance(argument, nodes.Const) and isinstance(argument.value, str)
        ):
            yield Finding("warning", used.lineno, f"过滤器 {used.name} 的 {keyword} 来自事实数据或运算",
                          FIXED_NUMBER)  # fmt: skip
        elif value is not None and value > limits.count:
            yield Finding("error", used.lineno,
                          f"过滤器 {used.name} 的 {keyword} 为 {value:,}，超过上限 {limits.count:,}",
                          FIXED_NUMBER)  # fmt: skip
