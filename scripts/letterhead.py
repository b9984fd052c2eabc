"""The 版头 of GB/T 9704's two formats: 文件格式 (§7.2) and 信函格式 (§10.1), with the 份号.

Distances the standard gives in millimetres are set as paragraph spacing computed from
where LibreOffice puts a glyph in a line of exact height (gbt9704.baseline_in_line); "two
blank lines" are lines of the body grid, so that the element below sits on the third grid
line after the one above (baselines three pitches apart).
"""

from __future__ import annotations

from gbt9704 import (
    BODY_PT,
    EM_ABOVE_BASELINE,
    EM_BELOW_BASELINE,
    LINE_PT,
    MASTHEAD_LINE_PT,
    MASTHEAD_PT,
    MM,
    RED,
    TEXT_W,
    TITLE_LINE_PT,
    TWIPS_PER_MM,
    Para,
    baseline_in_line,
    exact_line,
    p,
    run,
    tab_run,
)

COPY_NUMBER = "{{ copy_number }}"  # 份号: six digits, or "" for a document without one
MARK = "{{ issuer_mark }}"
NUMBER = "{{ number }}"

# 文件格式 (§7.2)
FILE_MARK_TOP_MM = 35  # the mark's top edge below the top of the text area
RULE_BELOW_NUMBER_MM = 4  # the red rule below the 发文字号
RULE_EIGHTHS = 12  # the red rule, 1.5 pt (w:sz counts eighths of a point)

# 信函格式 (§10.1)
LETTER_MARK_TOP_MM = 30  # the mark's top edge below the top of the page
LETTER_RULE_BELOW_MARK_MM = 4  # the first red double rule below the mark
LETTER_RULE_MM = 170  # both double rules' length, centred on the page
LETTER_BOTTOM_RULE_MM = 20  # the second double rule above the bottom of the page
LETTER_RULE_EIGHTHS = 18  # each double rule, as Word counts it: 2.25 pt
# LibreOffice draws it 0.794 mm thick, a 0.27 mm gap and 0.265 mm thin (measured): 3.77 pt deep.
LETTER_THICK_SHARE = 1.0
LETTER_RULE_DEPTH = 3.77
LETTER_GAP_UNDER_RULE = 7 / 8 * BODY_PT  # 份号 and 发文字号: 7/8 of a 三号 character below

PAGE_W_MM, PAGE_H_MM, TEXT_TOP_MM = 210, 297, 37


def _em_top(line_points: float, size: float) -> float:
    """Return how far below the top of an exact line a character's em box starts."""
    return baseline_in_line(line_points) - EM_ABOVE_BASELINE * size


def _em_bottom_gap(line_points: float, size: float) -> float:
    """Return how far above the bottom of an exact line a character's em box ends."""
    return line_points - baseline_in_line(line_points) - EM_BELOW_BASELINE * size


def _twips(millimetres: float) -> int:
    """Return a length in twips."""
    return round(millimetres * TWIPS_PER_MM)


def copy_number_line() -> Para:
    """Return the first line of the text area: the 份号 flush left (§7.2.1), or an empty line.

    The line is kept when there is no 份号, so the mark below never moves.
    """
    return Para("Blank", [run(COPY_NUMBER)])


def gap_before_title(number_line_tail: float) -> Para:
    """Return the space that puts the title's first line on the third grid line after the number's.

    number_line_tail: what the number's paragraph takes below its line (a rule and its space).
    """
    below_number = LINE_PT - baseline_in_line(LINE_PT) + number_line_tail
    height = 3 * LINE_PT - below_number - baseline_in_line(TITLE_LINE_PT)
    return Para("Blank", [], exact_line(height))


def file_masthead(mark: str = MARK, number: str = NUMBER) -> list[Para]:
    """Return the 文件格式 版头: 份号, red 发文机关标志, 发文字号 and the red rule, then the gap to the title.

    The mark's top edge is 35 mm below the top of the text area; the 发文字号 is centred two
    blank lines below it; the red rule, as wide as the text area, runs 4 mm below the
    发文字号; the title comes two blank lines below the rule.
    """
    before_mark = FILE_MARK_TOP_MM * MM - LINE_PT - _em_top(MASTHEAD_LINE_PT, MASTHEAD_PT)
    rule_width = RULE_EIGHTHS / 8
    # A paragraph's bottom border lies its space (whole points) below the line's bottom.
    rule_space = round(
        RULE_BELOW_NUMBER_MM * MM - _em_bottom_gap(LINE_PT, BODY_PT) - rule_width / 2
    )
    rule = (
        f'<w:pBdr><w:bottom w:val="single" w:sz="{RULE_EIGHTHS}" w:space="{rule_space}" '
        f'w:color="{RED}"/></w:pBdr>'
    )
    return [
        copy_number_line(),
        Para("Masthead", [run(mark, color=RED)], exact_line(MASTHEAD_LINE_PT, before_mark)),
        p("Blank"),
        p("Blank"),
        Para("DocNumber", [run(number)], rule),
        gap_before_title(rule_space + rule_width),
    ]


def _frame(y_twips: int) -> str:
    """Return the frame properties of a 信函格式 element: 170 mm wide, centred, at y on the page.

    Body text runs on under the frame: the elements are placed, they do not push text away.
    """
    left = _twips((PAGE_W_MM - LETTER_RULE_MM) / 2)
    return (
        f'<w:framePr w:w="{_twips(LETTER_RULE_MM)}" w:wrap="through" w:hAnchor="page" '
        f'w:vAnchor="page" w:x="{left}" w:y="{y_twips}"/>'
    )


def letter_masthead(mark: str = MARK, number: str = NUMBER) -> list[Para]:
    """Return the 信函格式 版头: the mark and the red double rules, 份号 and 发文字号 under them.

    The mark's top edge is 30 mm below the top of the page, a thick-over-thin red double
    rule 4 mm below it and a thin-over-thick one 20 mm above the bottom of the page, both
    170 mm long; the 份号 (left) and the 发文字号 (right) stand 7/8 of a 三号 character below
    the first rule, and the title two lines below them. They are frames placed on the first
    page, anchored to the line of the 发文字号.
    """
    mark_top = LETTER_MARK_TOP_MM * MM - _em_top(MASTHEAD_LINE_PT, MASTHEAD_PT)
    rule_width = LETTER_RULE_EIGHTHS / 8
    thick = LETTER_THICK_SHARE * rule_width
    # LibreOffice sets a framed paragraph's bottom border twice its w:space below the line
    # (measured); the space is whole points, so the rule lands within 0.3 mm of its place.
    below_line = LETTER_RULE_BELOW_MARK_MM * MM - _em_bottom_gap(MASTHEAD_LINE_PT, MASTHEAD_PT)
    rule_space = round((below_line - thick / 2) / 2)
    top_rule = (
        f'<w:pBdr><w:bottom w:val="thickThinSmallGap" w:sz="{LETTER_RULE_EIGHTHS}" '
        f'w:space="{rule_space}" w:color="{RED}"/></w:pBdr>'
    )
    mark_frame = Para(
        "Masthead",
        [run(mark, color=RED)],
        _frame(round(mark_top * 20)) + top_rule + exact_line(MASTHEAD_LINE_PT),
    )
    # The second rule: the bottom border of an empty line one point high.
    bottom_rule_y = (PAGE_H_MM - LETTER_BOTTOM_RULE_MM) * MM - 1 - rule_width
    bottom_frame = Para(
        "Blank",
        [],
        _frame(round(bottom_rule_y * 20))
        + f'<w:pBdr><w:bottom w:val="thinThickSmallGap" w:sz="{LETTER_RULE_EIGHTHS}" '
        f'w:space="0" w:color="{RED}"/></w:pBdr>' + exact_line(1),
    )
    rule_bottom = mark_top + MASTHEAD_LINE_PT + 2 * rule_space + LETTER_RULE_DEPTH
    number_top = rule_bottom + LETTER_GAP_UNDER_RULE - _em_top(LINE_PT, BODY_PT)
    number_line = Para(
        "Blank",
        [run(COPY_NUMBER), tab_run(), run(number)],
        f'<w:tabs><w:tab w:val="right" w:pos="{TEXT_W}"/></w:tabs>'
        + exact_line(LINE_PT, number_top - TEXT_TOP_MM * MM),
    )
    return [mark_frame, bottom_frame, number_line, gap_before_title(0)]
