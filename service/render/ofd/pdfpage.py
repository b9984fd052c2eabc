"""A PDF page read as what it draws: glyph runs, paths and images, placed in millimetres from the top left."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pikepdf

from service.render.ofd.errors import OfdError
from service.render.ofd.fonts import EmbeddedFont, PdfObject, embedded_font

MM_PER_PT = 25.4 / 72
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
Colour = tuple[int, int, int]
BLACK: Colour = (0, 0, 0)
Box = tuple[float, float, float, float]  # left, top, right, bottom in page mm
# How far, in mm, a drawing may pass its clip and still count as uncut: a glyph's or a
# line's estimate is no finer.
CLIP_TOLERANCE = 0.1


class OfdPageError(OfdError):
    """A page the OFD cannot show as the PDF does, with the reason."""


@dataclass(frozen=True)
class GlyphRun:
    """Glyphs shown by one text operator in one font: origins along a baseline, in mm.

    x, y is the first glyph's origin on the page; advances are the distances from each origin
    to the next; transform, when not None, is the run's rotation or shear (a, b, c, d) in OFD
    coordinates (y down), the run then laid out along its own x axis.
    """

    font: EmbeddedFont
    font_key: tuple[int, int]
    size: float
    x: float
    y: float
    codes: tuple[int, ...]
    advances: tuple[float, ...]
    fill: Colour
    stroke: Colour
    render_mode: int = 0
    transform: tuple[float, float, float, float] | None = None


@dataclass(frozen=True)
class PathSegment:
    """One path construction step in page mm: 'M', 'L', 'B' (cubic) or 'C' (close)."""

    op: str
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class PathShape:
    """A painted path: its steps in page mm, how it is painted, its line and colours."""

    segments: tuple[PathSegment, ...]
    stroke: bool
    fill: bool
    even_odd: bool
    line_width: float
    stroke_colour: Colour
    fill_colour: Colour
    cap: int = 0
    join: int = 0
    miter_limit: float = 10.0
    dash: tuple[float, ...] = ()
    dash_offset: float = 0.0


@dataclass(frozen=True)
class PlacedImage:
    """An image XObject drawn on the page: its object key and the unit square's placement.

    matrix maps the image's unit square, y down from its top edge, onto the page in mm.
    """

    key: tuple[int, int]
    image: PdfObject
    matrix: Matrix
    # The pixels shown (left, top, right, bottom) when a clip cuts the image; matrix then
    # places those pixels alone.
    crop: tuple[int, int, int, int] | None = None


PageItem = GlyphRun | PathShape | PlacedImage


@dataclass
class PageDrawing:
    """What a page draws, in order, with its boxes in mm (x, y, width, height from the top left)."""

    width: float
    height: float
    application_box: tuple[float, float, float, float]
    items: list[PageItem] = field(default_factory=list)


@dataclass
class _State:
    """The graphics state the interpreter keeps (a q/Q pair saves and restores it)."""

    ctm: Matrix = IDENTITY
    fill: Colour = BLACK
    stroke: Colour = BLACK
    fill_components: int = 1
    stroke_components: int = 1
    line_width: float = 1.0
    cap: int = 0
    join: int = 0
    miter_limit: float = 10.0
    dash: tuple[float, ...] = ()
    dash_offset: float = 0.0
    font: EmbeddedFont | None = None
    font_key: tuple[int, int] = (0, 0)
    font_size: float = 0.0
    char_spacing: float = 0.0
    word_spacing: float = 0.0
    horizontal_scale: float = 1.0
    leading: float = 0.0
    rise: float = 0.0
    render_mode: int = 0
    # The clip in page mm (left, top, right, bottom), None while only the page bounds what
    # is drawn; clip_exact is False once a clip is not an upright rectangle (then its box).
    clip: Box | None = None
    clip_exact: bool = True


def multiply(m: Matrix, n: Matrix) -> Matrix:
    """Return m × n in PDF's row-vector convention (m applied first)."""
    a, b, c, d, e, f = m
    p, q, r, s, t, u = n
    return (
        a * p + b * r,
        a * q + b * s,
        c * p + d * r,
        c * q + d * s,
        e * p + f * r + t,
        e * q + f * s + u,
    )


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    """Return the point (x, y) transformed by m."""
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def _colour(values: list[float]) -> Colour:
    """Return an RGB colour (0–255) from gray, RGB or CMYK components (0–1)."""
    clipped = [min(1.0, max(0.0, v)) for v in values]
    if len(clipped) == 1:
        rgb = [clipped[0]] * 3
    elif len(clipped) == 4:
        c, m, y, k = clipped
        rgb = [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    elif len(clipped) == 3:
        rgb = clipped
    else:
        rgb = [0.0, 0.0, 0.0]
    return (round(rgb[0] * 255), round(rgb[1] * 255), round(rgb[2] * 255))


def _components(space: object, resources: PdfObject) -> int:
    """Return how many components a colour space named by cs/CS has (1, 3 or 4)."""
    name = str(space)
    if name in ("/DeviceGray", "/CalGray", "/G"):
        return 1
    if name in ("/DeviceRGB", "/CalRGB", "/RGB"):
        return 3
    if name in ("/DeviceCMYK", "/CMYK"):
        return 4
    spaces = resources.get("/ColorSpace")
    if spaces is not None and name in spaces:
        entry = spaces[name]
        if isinstance(entry, pikepdf.Array) and str(entry[0]) == "/ICCBased":
            return int(entry[1].get("/N", 3))
        return _components(entry if not isinstance(entry, pikepdf.Array) else entry[0], resources)
    return 3


class _Reader:
    """Walks a page's content stream and collects what it draws."""

    def __init__(
        self, page_matrix: Matrix, fonts: dict[tuple[int, int], EmbeddedFont], page: Box
    ) -> None:
        self.page = page
        self.clipping: bool | None = None  # W (False) or W* (True) waiting for its path's end
        self.items: list[PageItem] = []
        self.fonts = fonts
        self.state = _State(ctm=page_matrix)
        self.stack: list[_State] = []
        self.text_matrix: Matrix = IDENTITY
        self.line_matrix: Matrix = IDENTITY
        self.path: list[PathSegment] = []
        self.current: tuple[float, float] = (0.0, 0.0)
        self.start: tuple[float, float] = (0.0, 0.0)
        # Fonts by the resources that name them and the name: a page sets them again and
        # again. The resources are held so that their id is not reused while the page is read.
        self.named_fonts: dict[
            tuple[int, str], tuple[PdfObject, EmbeddedFont, tuple[int, int]]
        ] = {}

    def run(
        self,
        content: Iterable[Any],
        resources: PdfObject,
        depth: int = 0,
    ) -> None:
        """Interpret the instructions with the resources they name."""
        for instruction in content:
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                raise OfdPageError("页面含内嵌图像（BI…EI），OFD 转换尚不支持")
            operator = str(instruction.operator)
            handler = _HANDLERS.get(operator)
            if handler is not None:
                handler(self, list(instruction.operands), resources, depth)
            elif operator in _UNSUPPORTED:
                raise OfdPageError(f"页面使用了{_UNSUPPORTED[operator]}，OFD 转换尚不支持")

    # graphics state
    def q(self, ops: list, res: PdfObject, depth: int) -> None:
        self.stack.append(copy.copy(self.state))

    def Q(self, ops: list, res: PdfObject, depth: int) -> None:
        if self.stack:
            self.state = self.stack.pop()

    def cm(self, ops: list, res: PdfObject, depth: int) -> None:
        m = tuple(float(v) for v in ops)
        self.state.ctm = multiply(m, self.state.ctm)  # type: ignore[arg-type]

    def w(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.line_width = float(ops[0])

    def J(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.cap = int(ops[0])

    def j(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.join = int(ops[0])

    def M(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.miter_limit = float(ops[0])

    def d(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.dash = tuple(float(v) for v in ops[0])
        self.state.dash_offset = float(ops[1])

    def gs(self, ops: list, res: PdfObject, depth: int) -> None:
        states = res.get("/ExtGState")
        entry = states.get(str(ops[0])) if states is not None else None
        if entry is None:
            return
        if "/LW" in entry:
            self.state.line_width = float(entry.LW)
        if "/SMask" in entry and str(entry.SMask) != "/None":
            raise OfdPageError("页面使用了软蒙版（SMask），OFD 转换尚不支持")

    # colour
    def g(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.fill, self.state.fill_components = _colour([float(ops[0])]), 1

    def G(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.stroke, self.state.stroke_components = _colour([float(ops[0])]), 1

    def rg(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.fill, self.state.fill_components = _colour([float(v) for v in ops]), 3

    def RG(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.stroke, self.state.stroke_components = _colour([float(v) for v in ops]), 3

    def k(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.fill, self.state.fill_components = _colour([float(v) for v in ops]), 4

    def K(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.stroke, self.state.stroke_components = _colour([float(v) for v in ops]), 4

    def cs(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.fill_components = _components(ops[0], res)
        self.state.fill = BLACK

    def CS(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.stroke_components = _components(ops[0], res)
        self.state.stroke = BLACK

    def sc(self, ops: list, res: PdfObject, depth: int) -> None:
        if ops and isinstance(ops[-1], pikepdf.Name):
            raise OfdPageError("页面使用了图案（Pattern）填充，OFD 转换尚不支持")
        self.state.fill = _colour([float(v) for v in ops[: self.state.fill_components]])

    def SC(self, ops: list, res: PdfObject, depth: int) -> None:
        if ops and isinstance(ops[-1], pikepdf.Name):
            raise OfdPageError("页面使用了图案（Pattern）描边，OFD 转换尚不支持")
        self.state.stroke = _colour([float(v) for v in ops[: self.state.stroke_components]])

    # paths
    def _point(self, x: object, y: object) -> tuple[float, float]:
        return _apply(self.state.ctm, float(x), float(y))  # type: ignore[arg-type]

    def m(self, ops: list, res: PdfObject, depth: int) -> None:
        self.current = self.start = self._point(*ops)
        self.path.append(PathSegment("M", (self.current,)))

    def l(self, ops: list, res: PdfObject, depth: int) -> None:  # noqa: E743
        self.current = self._point(*ops)
        self.path.append(PathSegment("L", (self.current,)))

    def c(self, ops: list, res: PdfObject, depth: int) -> None:
        points = (
            self._point(ops[0], ops[1]),
            self._point(ops[2], ops[3]),
            self._point(ops[4], ops[5]),
        )
        self.path.append(PathSegment("B", points))
        self.current = points[2]

    def v(self, ops: list, res: PdfObject, depth: int) -> None:
        points = (self.current, self._point(ops[0], ops[1]), self._point(ops[2], ops[3]))
        self.path.append(PathSegment("B", points))
        self.current = points[2]

    def y(self, ops: list, res: PdfObject, depth: int) -> None:
        end = self._point(ops[2], ops[3])
        points = (self._point(ops[0], ops[1]), end, end)
        self.path.append(PathSegment("B", points))
        self.current = end

    def h(self, ops: list, res: PdfObject, depth: int) -> None:
        self.path.append(PathSegment("C", ()))
        self.current = self.start

    def re(self, ops: list, res: PdfObject, depth: int) -> None:
        x, y, w, hh = (float(v) for v in ops)
        corners = [
            self._point(x, y),
            self._point(x + w, y),
            self._point(x + w, y + hh),
            self._point(x, y + hh),
        ]
        self.path.append(PathSegment("M", (corners[0],)))
        self.path.extend(PathSegment("L", (p,)) for p in corners[1:])
        self.path.append(PathSegment("C", ()))
        self.current = self.start = corners[0]

    def _paint(self, stroke: bool, fill: bool, even_odd: bool = False, close: bool = False) -> None:
        if close:
            self.path.append(PathSegment("C", ()))
        if self.path and (stroke or fill):
            scale = math.sqrt(
                abs(self.state.ctm[0] * self.state.ctm[3] - self.state.ctm[1] * self.state.ctm[2])
            )
            reach = self.state.line_width * scale / 2 if stroke else 0.0
            points = [p for segment in self.path for p in segment.points]
            self._refuse_if_cut(_grown(_bounds(points), reach), "图形")
            self.items.append(
                PathShape(
                    segments=tuple(self.path),
                    stroke=stroke,
                    fill=fill,
                    even_odd=even_odd,
                    line_width=self.state.line_width * scale,
                    stroke_colour=self.state.stroke,
                    fill_colour=self.state.fill,
                    cap=self.state.cap,
                    join=self.state.join,
                    miter_limit=self.state.miter_limit,
                    dash=tuple(v * scale for v in self.state.dash),
                    dash_offset=self.state.dash_offset * scale,
                )
            )
        self._end_path()

    def _end_path(self) -> None:
        """End the path: it bounds what follows when W or W* came before its end."""
        if self.clipping is not None and self.path:
            self._clip_to(_rectangle(self.path), _bounds([p for s in self.path for p in s.points]))
        self.clipping = None
        self.path = []

    def _clip_to(self, exact: bool, box: Box) -> None:
        """Narrow the clip to a box (exactly that box when exact, else within it)."""
        state = self.state
        current = state.clip if state.clip is not None else self.page
        narrowed = (
            max(current[0], box[0]), max(current[1], box[1]),
            min(current[2], box[2]), min(current[3], box[3]),
        )  # fmt: skip
        if exact and state.clip_exact and _within(self.page, narrowed):
            return  # the page bounds what is drawn already
        state.clip, state.clip_exact = narrowed, state.clip_exact and exact

    def _cut(self, box: Box) -> bool:
        """Return whether the clip may cut away part of a drawing within box.

        Under a clip that is not an upright rectangle every drawing counts as cut: where its
        edge passes is not worked out.
        """
        clip = self.state.clip
        return clip is not None and (not self.state.clip_exact or not _within(box, clip))

    def _refuse_if_cut(self, box: Box, what: str) -> None:
        """Refuse a drawing the clip cuts: the OFD would show it whole."""
        if self._cut(box):
            raise _cut_away(box, what, self.state.clip_exact)

    def S(self, ops: list, res: PdfObject, depth: int) -> None:
        self._paint(True, False)

    def s(self, ops: list, res: PdfObject, depth: int) -> None:
        self._paint(True, False, close=True)

    def f(self, ops: list, res: PdfObject, depth: int) -> None:
        self._paint(False, True)

    def f_star(self, ops: list, res: PdfObject, depth: int) -> None:
        self._paint(False, True, even_odd=True)

    def B(self, ops: list, res: PdfObject, depth: int) -> None:
        self._paint(True, True)

    def B_star(self, ops: list, res: PdfObject, depth: int) -> None:
        self._paint(True, True, even_odd=True)

    def b(self, ops: list, res: PdfObject, depth: int) -> None:
        self._paint(True, True, close=True)

    def b_star(self, ops: list, res: PdfObject, depth: int) -> None:
        self._paint(True, True, even_odd=True, close=True)

    def n(self, ops: list, res: PdfObject, depth: int) -> None:
        self._end_path()

    def clip(self, ops: list, res: PdfObject, depth: int) -> None:
        """The path being built bounds what follows, once it ends (W; W* alike for a box)."""
        self.clipping = True

    # text
    def BT(self, ops: list, res: PdfObject, depth: int) -> None:
        self.text_matrix = self.line_matrix = IDENTITY

    def Tf(self, ops: list, res: PdfObject, depth: int) -> None:
        name = str(ops[0])
        named = self.named_fonts.get((id(res), name))
        if named is None:
            fonts = res.get("/Font")
            font = fonts.get(name) if fonts is not None else None
            if font is None:
                raise OfdPageError(f"页面引用了不存在的字体 {ops[0]}")
            key = font.objgen
            if key not in self.fonts:
                self.fonts[key] = embedded_font(font)
            named = self.named_fonts[(id(res), name)] = (res, self.fonts[key], key)
        self.state.font, self.state.font_key = named[1], named[2]
        self.state.font_size = float(ops[1])

    def Tc(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.char_spacing = float(ops[0])

    def Tw(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.word_spacing = float(ops[0])

    def Tz(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.horizontal_scale = float(ops[0]) / 100

    def TL(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.leading = float(ops[0])

    def Ts(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.rise = float(ops[0])

    def Tr(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.render_mode = int(ops[0])

    def Td(self, ops: list, res: PdfObject, depth: int) -> None:
        self.line_matrix = multiply((1, 0, 0, 1, float(ops[0]), float(ops[1])), self.line_matrix)
        self.text_matrix = self.line_matrix

    def TD(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.leading = -float(ops[1])
        self.Td(ops, res, depth)

    def Tm(self, ops: list, res: PdfObject, depth: int) -> None:
        self.line_matrix = self.text_matrix = tuple(float(v) for v in ops)  # type: ignore[assignment]

    def T_star(self, ops: list, res: PdfObject, depth: int) -> None:
        self.Td([0, -self.state.leading], res, depth)

    def Tj(self, ops: list, res: PdfObject, depth: int) -> None:
        self._show([ops[0]])

    def TJ(self, ops: list, res: PdfObject, depth: int) -> None:
        self._show(list(ops[0]))

    def quote(self, ops: list, res: PdfObject, depth: int) -> None:
        self.T_star([], res, depth)
        self._show([ops[0]])

    def double_quote(self, ops: list, res: PdfObject, depth: int) -> None:
        self.state.word_spacing, self.state.char_spacing = float(ops[0]), float(ops[1])
        self.quote([ops[2]], res, depth)

    def _show(self, parts: list) -> None:
        """Advance over the strings and adjustments of one text operator, keeping its glyphs.

        Within one operator the glyphs move along the text line alone: each origin is the
        line's start moved by the advances so far (tx, in text space), through one matrix.
        """
        state = self.state
        font = state.font
        if font is None:
            raise OfdPageError("页面在设定字体之前显示了文字")
        size, scale = state.font_size, state.horizontal_scale
        a, b, _c, _d, e, f = multiply(
            (1, 0, 0, 1, 0, state.rise), multiply(self.text_matrix, state.ctm)
        )
        origins: list[tuple[float, float]] = []
        codes: list[int] = []
        spaced = font.bytes_per_code == 1 and state.word_spacing != 0
        tx = 0.0
        for part in parts:
            if isinstance(part, pikepdf.String):
                for code in font.codes(bytes(part)):
                    origins.append((e + a * tx, f + b * tx))
                    codes.append(code)
                    spacing = state.word_spacing if spaced and code == 32 else 0.0
                    tx += (font.width(code) / 1000 * size + state.char_spacing + spacing) * scale
            else:
                tx -= float(part) / 1000 * size * scale
        self.text_matrix = multiply((1, 0, 0, 1, tx, 0), self.text_matrix)
        if not codes:
            return
        origins.append((e + a * tx, f + b * tx))
        full = multiply((size * scale, 0, 0, size, 0, 0), multiply(self.text_matrix, state.ctm))
        self._keep_run(codes, origins, full)

    def _keep_run(self, codes: list[int], origins: list[tuple[float, float]], full: Matrix) -> None:
        """Keep the glyphs of a text operator as one run, or one run a glyph when turned."""
        state = self.state
        assert state.font is not None
        a, b, c, d = full[:4]
        height = math.hypot(c, d)
        # upright text reads, in OFD's y-down millimetres, (s, 0, 0, -s)
        plain = (
            abs(b) < 1e-6 * height
            and abs(c) < 1e-6 * height
            and a > 0
            and abs(a + d) < 1e-6 * height
        )
        run = GlyphRun(
            font=state.font,
            font_key=state.font_key,
            size=height,
            x=origins[0][0],
            y=origins[0][1],
            codes=tuple(codes),
            advances=tuple(origins[i + 1][0] - origins[i][0] for i in range(len(codes))),
            fill=state.fill,
            stroke=state.stroke,
            render_mode=state.render_mode,
        )
        if self.state.clip is not None:
            # the glyphs' ink, short of their em boxes: from a tenth of an em below the
            # baseline to 0.8 above, from 0.05 em after the first origin to 0.05 before the end
            (x0, y0), (x1, y1) = origins[0], origins[-1]
            ends = [(x0 + 0.05 * a, y0 + 0.05 * b), (x1 - 0.05 * a, y1 - 0.05 * b)]
            ink = [(x + u * c, y + u * d) for x, y in ends for u in (-0.1, 0.8)]
            self._refuse_if_cut(_bounds(ink), "文字")
        if plain:
            self.items.append(run)
            return
        # the glyph's up (c, d) is the object's −y in OFD, whose y runs down
        transform = (a / height, b / height, -c / height, -d / height)
        for i, code in enumerate(codes):
            (x0, y0), (x1, y1) = origins[i], origins[i + 1]
            advance = math.hypot(x1 - x0, y1 - y0)
            self.items.append(
                replace(run, x=x0, y=y0, codes=(code,), advances=(advance,), transform=transform)
            )

    # external objects
    def Do(self, ops: list, res: PdfObject, depth: int) -> None:
        xobjects = res.get("/XObject")
        xobject = xobjects.get(str(ops[0])) if xobjects is not None else None
        if xobject is None:
            raise OfdPageError(f"页面引用了不存在的对象 {ops[0]}")
        subtype = str(xobject.get("/Subtype"))
        if subtype == "/Image":
            # the image's rows run down from its top edge, the unit square's y = 1 in PDF
            matrix = multiply((1.0, 0.0, 0.0, -1.0, 0.0, 1.0), self.state.ctm)
            self.items.append(self._placed(xobject, matrix))
        elif subtype == "/Form":
            if depth > 8:
                raise OfdPageError("页面的表单对象嵌套过深")
            saved = copy.copy(self.state)
            self.stack.append(saved)
            a, b, c, d, e, f = (float(v) for v in xobject.get("/Matrix", IDENTITY))
            self.state.ctm = multiply((a, b, c, d, e, f), self.state.ctm)
            if "/BBox" in xobject:  # a form draws within its box
                x0, y0, x1, y1 = (float(v) for v in xobject.BBox)
                self.re([x0, y0, x1 - x0, y1 - y0], res, depth)
                self.clipping = True
                self._end_path()
            inner = xobject.get("/Resources", res)
            self.run(pikepdf.parse_content_stream(xobject), inner, depth + 1)
            self.state = self.stack.pop()

    def _placed(self, xobject: PdfObject, matrix: Matrix) -> PlacedImage:
        """Return an image placed by matrix, cut to its clip: only upright images by upright boxes."""
        a, b, c, d, e, f = matrix
        corners = [(e, f), (a + e, b + f), (c + e, d + f), (a + c + e, b + d + f)]
        box = _bounds(corners)
        clip = self.state.clip
        if clip is None or not self._cut(box):
            return PlacedImage(key=xobject.objgen, image=xobject, matrix=matrix)
        if not self.state.clip_exact or abs(b) > 1e-9 or abs(c) > 1e-9:
            raise _cut_away(box, "图片", self.state.clip_exact)
        width, height = int(xobject.get("/Width", 1)), int(xobject.get("/Height", 1))
        # the visible part in the unit square, then in whole pixels (never less than shown)
        u0, u1 = sorted(((clip[0] - e) / a, (clip[2] - e) / a))
        v0, v1 = sorted(((clip[1] - f) / d, (clip[3] - f) / d))
        left, right = (
            max(0, math.floor(u0 * width + 1e-6)),
            min(width, math.ceil(u1 * width - 1e-6)),
        )
        top, bottom = (
            max(0, math.floor(v0 * height + 1e-6)),
            min(height, math.ceil(v1 * height - 1e-6)),
        )
        if right <= left or bottom <= top:
            raise OfdPageError("页面有完全被裁剪掉的图片，OFD 转换尚不支持")
        cropped = (
            a * (right - left) / width, 0.0, 0.0, d * (bottom - top) / height,
            e + a * left / width, f + d * top / height,
        )  # fmt: skip
        return PlacedImage(xobject.objgen, xobject, cropped, (left, top, right, bottom))


def _cut_away(box: Box, what: str, upright: bool) -> OfdPageError:
    """Return the refusal of a drawing in box that a clip cuts (upright: by a box)."""
    how = "被裁剪路径截去一部分的" if upright else "被非矩形裁剪路径裁剪的"
    if upright and what == "图片":
        what = "转了角度的图片"
    return OfdPageError(
        f"页面有{how}{what}（约在距左 {box[0]:.0f} 毫米、距上 {box[1]:.0f} 毫米处），"
        "OFD 转换尚不支持"
    )


def _bounds(points: Iterable[tuple[float, float]]) -> Box:
    """Return the box of points."""
    xs, ys = zip(*points, strict=True)
    return (min(xs), min(ys), max(xs), max(ys))


def _grown(box: Box, by: float) -> Box:
    """Return box grown by a margin on every side (shrunk when by is negative)."""
    return (box[0] - by, box[1] - by, box[2] + by, box[3] + by)


def _within(inner: Box, outer: Box) -> bool:
    """Return whether inner lies within outer, give or take CLIP_TOLERANCE."""
    return (
        inner[0] >= outer[0] - CLIP_TOLERANCE
        and inner[1] >= outer[1] - CLIP_TOLERANCE
        and inner[2] <= outer[2] + CLIP_TOLERANCE
        and inner[3] <= outer[3] + CLIP_TOLERANCE
    )


def _rectangle(path: list[PathSegment]) -> bool:
    """Return whether a path is one upright rectangle (as re draws it on an upright page)."""
    ops = "".join(segment.op for segment in path)
    if ops not in ("MLLLC", "MLLL", "MLLLLC", "MLLLL"):
        return False
    points = [segment.points[0] for segment in path if segment.points]
    xs = {round(x, 4) for x, _ in points}
    ys = {round(y, 4) for _, y in points}
    if len(xs) != 2 or len(ys) != 2:
        return False
    # each step moves along one axis only
    return all(
        abs(p[0] - q[0]) < 1e-4 or abs(p[1] - q[1]) < 1e-4
        for p, q in zip(points, points[1:] + points[:1], strict=True)
    )


# The operators whose handler bears their own name.
_NAMED = (
    "q Q cm w J j M d gs g G rg RG k K cs CS sc SC m l c v y h re S s f B b n "
    "BT Tf Tc Tw Tz TL Ts Tr Td TD Tm Tj TJ Do"
)
_HANDLERS = {name: getattr(_Reader, name) for name in _NAMED.split()}
_HANDLERS.update(
    {
        "scn": _Reader.sc,
        "SCN": _Reader.SC,
        "F": _Reader.f,
        "f*": _Reader.f_star,
        "B*": _Reader.B_star,
        "b*": _Reader.b_star,
        "W": _Reader.clip,
        "W*": _Reader.clip,
        "T*": _Reader.T_star,
        "'": _Reader.quote,
        '"': _Reader.double_quote,
    }
)
# What the OFD writer does not carry, by operator, as a maintainer would name it.
_UNSUPPORTED = {
    "sh": "渐变填充（PDF 操作符 sh）",
    "BI": "内嵌图像（PDF 操作符 BI）",
    "d0": "Type 3 字体（PDF 操作符 d0）",
    "d1": "Type 3 字体（PDF 操作符 d1）",
}


def page_drawings(document: pikepdf.Pdf) -> Iterator[PageDrawing]:
    """Yield each page of an open PDF as what it draws, fonts read once for the document."""
    fonts: dict[tuple[int, int], EmbeddedFont] = {}
    for number, page in enumerate(document.pages, start=1):
        try:
            yield page_drawing(page, fonts)
        except OfdPageError as error:  # "页面…" is said of this page
            raise OfdPageError(f"第 {number} 页{str(error).removeprefix('页面')}") from error


def page_drawing(page: pikepdf.Page, fonts: dict[tuple[int, int], EmbeddedFont]) -> PageDrawing:
    """Return what one page draws; fonts already read are taken from (and new ones added to) fonts."""
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    if int(page.obj.get("/Rotate", 0)) % 360:
        raise OfdPageError("页面设置了旋转（/Rotate），OFD 转换尚不支持")
    # PDF points from the bottom left → OFD millimetres from the top left
    page_matrix: Matrix = (MM_PER_PT, 0.0, 0.0, -MM_PER_PT, -x0 * MM_PER_PT, y1 * MM_PER_PT)
    cx0, cy0, cx1, cy1 = (float(v) for v in page.obj.get("/CropBox", page.mediabox))
    crop = (
        (cx0 - x0) * MM_PER_PT,
        (y1 - cy1) * MM_PER_PT,
        (cx1 - cx0) * MM_PER_PT,
        (cy1 - cy0) * MM_PER_PT,
    )
    reader = _Reader(page_matrix, fonts, (0.0, 0.0, (x1 - x0) * MM_PER_PT, (y1 - y0) * MM_PER_PT))
    reader.run(pikepdf.parse_content_stream(page), page.obj.get("/Resources", pikepdf.Dictionary()))
    return PageDrawing((x1 - x0) * MM_PER_PT, (y1 - y0) * MM_PER_PT, crop, reader.items)
