"""The Jinja environment templates run in: sandboxed, and held to the limits of one render.

Jinja's sandbox keeps a template away from Python internals; it does not keep it from
taking the machine (nested loops, `"x" * 10**9`, a macro calling itself twice). Here the
compiled template itself reports to the render's Budget: every loop iteration, every piece
of output (also inside macros and {% set %} blocks, which never reach the caller until
they are whole), every value built by an operator, a method or a filter, with the
operations that could build a huge value in one step checked before they run.
"""

from __future__ import annotations

import types
from collections.abc import Iterable, Iterator
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.runtime import Macro, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from service.render.fill.checked_filters import template_filters
from service.render.fill.limits import (
    DEFAULT_LIMITS,
    LimitExceeded,
    RenderLimits,
    active_budget,
    render_budget,
    size_of,
)
from service.render.fill.operations import (
    CheckedEscapeFormatter,
    CheckedFormatter,
    CheckedRange,
    StrFormat,
    check_binop,
    check_call,
    measure,
    refuse_size,
)

COUNTED_LOOP = "counted_loop"  # the environment method a loop's iterable goes through


class GuardedCodeGenerator(CodeGenerator):
    """Jinja's code generator, writing the calls that report a render's work to its budget.

    Output is hooked where Jinja 3.1 writes it (_output_const_repr, _output_child_pre and
    _output_child_post, used for top-level output and buffers alike); should an upgrade of
    Jinja stop calling them, tests/render/test_template_limits.py fails on its output budget.
    """

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        """Write a for loop whose items are counted; refuse recursive loops."""
        if node.recursive:
            self.fail("模板不允许递归循环（recursive）", node.lineno)
        if not _is_counted_loop(node.iter):
            # The parser never makes EnvironmentAttribute nodes: no template can write one.
            counter = nodes.EnvironmentAttribute(COUNTED_LOOP, lineno=node.iter.lineno)
            node.iter = nodes.Call(counter, [node.iter], [], None, None, lineno=node.iter.lineno)
        super().visit_For(node, frame)

    def visit_Call(self, node: nodes.Call, frame: Frame, forward_caller: bool = False) -> None:
        """Write the counting of a loop's iterable as a plain call; other calls as Jinja does."""
        if _is_counted_loop(node):
            self.write(f"environment.{COUNTED_LOOP}(")
            self.visit(node.args[0], frame)
            self.write(")")
            return
        super().visit_Call(node, frame, forward_caller=forward_caller)

    def _output_const_repr(self, group: Iterable[Any]) -> str:
        """Write constant template text, counted when it is output."""
        return f"environment.counted_text({super()._output_const_repr(group)})"

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        """Open the call that converts, escapes and counts one output value."""
        self.write(f"environment.counted_output({self._autoescape(frame)}, ")
        if finalize.src is not None:
            self.write(finalize.src)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        """Close the call opened by _output_child_pre."""
        if finalize.src is not None:
            self.write(")")
        self.write(")")

    @optimizeconst
    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        """Write `~` as a call that checks the joined size before joining."""
        self.write(f"environment.counted_concat({self._autoescape(frame)}, (")
        for argument in node.nodes:
            self.visit(argument, frame)
            self.write(", ")
        self.write("))")

    @staticmethod
    def _autoescape(frame: Frame) -> str:
        """Return the Python expression saying whether output is escaped here."""
        if frame.eval_ctx.volatile:
            return "context.eval_ctx.autoescape"
        return "True" if frame.eval_ctx.autoescape else "False"


class GuardedTemplate(Template):
    """A compiled template that renders only under a budget and fails only with TemplateError."""

    environment: GuardedEnvironment

    def render(self, *args: Any, **kwargs: Any) -> str:
        """Return the template filled with the context, within the environment's limits.

        Any failure of the template's own code (a division by zero, a recursion too deep,
        memory exhausted) is a TemplateError carrying the template line where it happened.
        """
        with render_budget(self.environment.limits):
            context = self.new_context(dict(*args, **kwargs))
            try:
                text: str = self.environment.concat(self.root_render_func(context))
                return text
            except Exception as error:
                raise template_failure(error) from None

    def generate(self, *args: Any, **kwargs: Any) -> Iterator[str]:
        """Return the filled template as one piece, rendered within the limits."""
        yield self.render(*args, **kwargs)


class GuardedEnvironment(ImmutableSandboxedEnvironment):
    """The sandboxed environment whose templates report their work to the render's budget."""

    code_generator_class = GuardedCodeGenerator
    template_class = GuardedTemplate
    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def __init__(self, limits: RenderLimits = DEFAULT_LIMITS, **options: Any) -> None:
        super().__init__(**options)
        self.limits = limits
        # lipsum writes any amount of text; cycler and joiner are stateful helpers a 公文
        # does not need. range() is held to the count limit.
        for name in ("lipsum", "cycler", "joiner"):
            self.globals.pop(name, None)
        self.globals["range"] = CheckedRange(limits)
        self.filters = template_filters(limits)

    def parse(
        self, source: str, name: str | None = None, filename: str | None = None
    ) -> nodes.Template:
        """Return the syntax tree of a source within the size limit."""
        self._check_source(source)
        try:
            return super().parse(source, name, filename)
        except (RecursionError, MemoryError) as error:
            raise _too_deep(error) from None

    def compile(self, source: Any, name: Any = None, filename: Any = None, raw: bool = False,
                defer_init: bool = False) -> Any:  # fmt: skip
        """Return the compiled template; a source too large or too deeply nested is a syntax error."""
        if isinstance(source, str):
            self._check_source(source)
        try:
            return super().compile(source, name, filename, raw, defer_init)  # type: ignore[call-overload]
        except (RecursionError, MemoryError, SyntaxError) as error:
            if isinstance(error, TemplateSyntaxError):
                raise
            raise _too_deep(error) from None

    def _check_source(self, source: str) -> None:
        """Refuse a template part longer than the source limit."""
        if len(source) > self.limits.source:
            raise unplaced_syntax_error(
                f"模板内容过长（{len(source):,} 个字符，上限 {self.limits.source:,}）；"
                "请删去多余内容或拆分模板"
            )

    def counted_loop(self, iterable: Any) -> Any:
        """Return a loop's iterable with its items counted as iterations."""
        return active_budget().counted(iterable)

    def counted_text(self, text: str) -> str:
        """Return constant template text after counting it."""
        active_budget().spend(len(text))
        return text

    def counted_output(self, autoescape: bool, value: Any) -> str:
        """Return one output value as text (escaped when autoescaping), counted."""
        if not isinstance(value, str):
            refuse_size("输出的值", size_of(value, self.limits.value), self.limits)
        text = escape(value) if autoescape else str(value)
        active_budget().spend(len(text))
        return text

    def counted_concat(self, autoescape: bool, values: tuple[Any, ...]) -> str:
        """Return `a ~ b ~ …` joined, refused before joining when it would be too large."""
        size = sum(size_of(value, self.limits.value) for value in values)
        refuse_size("“~”连接", size, self.limits)
        text = markup_join(values) if autoescape else str_join(values)
        active_budget().spend(len(text))
        return text

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Return `left operator right`, refused first when its result would be too large."""
        active_budget().tick()
        check_binop(operator, left, right, self.limits)
        return measure(f"运算“{operator}”", self.binop_table[operator](left, right), self.limits)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """Return the result of a call the template may make, counted; refuse any other call."""
        budget = active_budget()
        budget.tick()
        new_value = check_call(__obj, args, __self.limits)
        if isinstance(__obj, Macro):
            try:
                budget.enter_macro()
                result = super().call(__context, __obj, *args, **kwargs)
            finally:
                budget.leave_macro()
        else:
            result = super().call(__context, __obj, *args, **kwargs)
        return measure("调用的结果", result, __self.limits) if new_value else result

    def wrap_str_format(self, value: Any) -> StrFormat | None:
        """Return a text's format() or format_map() method as a checked call, else None."""
        if not isinstance(value, (types.MethodType, types.BuiltinMethodType)):
            return None
        if value.__name__ not in ("format", "format_map"):
            return None
        text = value.__self__
        if not isinstance(text, str):
            return None
        formatter: CheckedFormatter
        if isinstance(text, Markup):
            formatter = CheckedEscapeFormatter(self, self.limits, escape=text.escape)
        else:
            formatter = CheckedFormatter(self, self.limits)
        return StrFormat(text, value.__name__ == "format_map", formatter)


def _is_counted_loop(node: nodes.Node) -> bool:
    """Return whether a node is the counting of a loop's iterable put in by visit_For."""
    return (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.EnvironmentAttribute)
        and node.node.name == COUNTED_LOOP
    )


def _too_deep(error: BaseException) -> TemplateSyntaxError:
    """Return the syntax error for a source Python cannot compile: nested too deeply or too large."""
    return unplaced_syntax_error(
        f"模板的表达式嵌套过深或过长，无法编译（{type(error).__name__}）；请简化表达式"
    )


def unplaced_syntax_error(message: str) -> TemplateSyntaxError:
    """Return a syntax error of the whole template, at no line in particular."""
    failure = TemplateSyntaxError(message, 0)
    failure.lineno = None  # type: ignore[assignment]  # docxtpl and lint then name no line
    return failure


def template_failure(error: Exception) -> TemplateError:
    """Return a failure of a template's code as a TemplateError carrying its template line."""
    if isinstance(error, TemplateError):
        failure = error
    elif isinstance(error, RecursionError):
        failure = LimitExceeded("模板的宏或表达式嵌套过深；请去掉宏的递归调用")
    elif isinstance(error, MemoryError):
        failure = LimitExceeded("填充模板时内存不足；模板中可能有过大的循环或重复")
    else:
        failure = LimitExceeded(
            f"模板运行出错（{type(error).__name__}: {error}）；请检查该处的表达式"
        )
    if getattr(failure, "lineno", None) is None:
        failure.lineno = template_line(error)  # type: ignore[attr-defined]
    return failure


def template_line(error: BaseException) -> int | None:
    """Return the template line where an error was raised (innermost template frame), if any."""
    line = None
    trace = error.__traceback__
    while trace is not None:
        template = trace.tb_frame.f_globals.get("__jinja_template__")
        if template is not None:
            line = template.get_corresponding_lineno(trace.tb_lineno)
        trace = trace.tb_next
    return line


def template_environment(limits: RenderLimits = DEFAULT_LIMITS) -> GuardedEnvironment:
    """Return the Jinja environment templates run in.

    Sandboxed, so a template cannot reach Python internals; limited, so it cannot take the
    machine; autoescaping, so that & < > " ' in facts stay text instead of breaking the
    document's XML; strict, so a placeholder the context lacks is an error rather than a
    silent blank.
    """
    return GuardedEnvironment(limits, autoescape=True, undefined=StrictUndefined)
