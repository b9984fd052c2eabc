"""The fair draw told in plain Chinese: the steps anyone can repeat, and one line worked through."""

from __future__ import annotations

from decimal import Decimal

from forms.fair_draw import (
    KEY_MONITORING,
    OFFICERS_PER_UNIT,
    SHOWN_DIGITS,
    Draw,
    check_value,
    officer_text,
    unit_text,
)

GROUP = 8  # a 64-digit check value is printed in groups of eight, to be read and compared


def grouped(digest: str) -> str:
    """Return a check value in groups of eight digits separated by spaces."""
    return " ".join(digest[start : start + GROUP] for start in range(0, len(digest), GROUP))


def source_of(result: Draw) -> str:
    """Return, in words, which units the draw is made from."""
    size = len(result.register)
    if result.method == KEY_MONITORING:
        return f"附件1所列{size}家单位中标注为重点监控单位的{len(result.population)}家"
    return f"附件1所列{size}家单位"


def method_steps(result: Draw, record_id: int | None) -> list[str]:
    """Return the method of the draw, step by step, precise enough for anyone to repeat it."""
    size = len(result.register)
    exact = (Decimal(size) * result.percent / 100).normalize()
    recorded = f"（本次为抽取记录第{record_id}号）" if record_id else ""
    return [
        "（一）随机种子。本次抽取的随机种子（见正文“二、抽取方法”）是系统在抽取时随机生成的128位"
        "二进制数，写成32位十六进制数（由数字0至9和小写字母a至f组成），经办人员不能选择或改动；"
        f"每次抽取，不论结果是否采用，均记入本局的审计记录{recorded}。",
        f"（二）抽取家数。从{source_of(result)}中抽取{result.count}家：按单位名录的家数计算，"
        f"{size}×{result.percent}%={exact:f}，有小数的进为整数，至少抽取1家。",
        "（三）单位的校验值。对每家可供抽取的单位，将随机种子和附件1所列的单位名称首尾相接，"
        "中间不加空格或任何符号，写成一串文字；将这串文字按UTF-8编码转换为字节，计算其SHA-256"
        "摘要，写成64位十六进制数（字母小写），即该单位的校验值。",
        "（四）抽中的单位。将各单位的校验值从第一位起逐位比较（0最小，9之后依次为a至f，f最大），"
        f"按从小到大的顺序排列，排在前{result.count}位的单位即为抽中的单位，名单按此顺序排列。"
        f"附件1列出每家单位校验值的前{SHOWN_DIGITS}位和排列名次。",
        "（五）检查人员。对每家抽中的单位，先从附件2所列执法人员中除去与该单位有利害关系的人员；"
        "再对其余每名执法人员，将随机种子、该单位名称、执法人员姓名和执法证号依次首尾相接，"
        f"按第（三）项的方法计算校验值，校验值最小的{OFFICERS_PER_UNIT}名即为该单位的检查人员。",
        "（六）任何人均可使用任一能够计算SHA-256摘要的工具，按上述步骤重新计算：随机种子、"
        "单位名录和执法人员库相同，得到的名单必然相同。",
    ]


def worked_example(result: Draw) -> list[str]:
    """Return the check of the list's first line, worked through with this draw's own values."""
    if not result.units:
        return []
    first = result.units[0]
    text = unit_text(result.seed, first.name)
    lines = [
        f"以名单第1家单位“{first.name}”为例：",
        f"1.将随机种子“{result.seed}”与单位名称“{first.name}”首尾相接，得到“{text}”。",
        f"2.将这串文字按UTF-8编码计算SHA-256摘要，得到（每{GROUP}位空一格）"
        f"“{grouped(check_value(text))}”，其前{SHOWN_DIGITS}位“{first.digest[:SHOWN_DIGITS]}”"
        "与名单和附件1所列相同。",
        "3.对附件1中每家可供抽取的单位同样计算，该单位的校验值最小，排在第1位。",
    ]
    if first.officers:
        officer = first.officers[0]
        typed = officer_text(result.seed, first.name, officer.name, officer.certificate)
        lines.append(
            f"4.检查人员{officer.name}：将“{typed}”按UTF-8编码计算SHA-256摘要，得到"
            f"“{grouped(check_value(typed))}”；对其余与该单位无利害关系的执法人员同样计算，"
            f"{officer.name}的校验值最小，为该单位的第1名检查人员。"
        )
    return lines


def draw_sentence(result: Draw) -> str:
    """Return, in words, what was drawn from what, at which ratio, for which inspection."""
    size, count = len(result.register), result.count
    if result.method == KEY_MONITORING:
        return (
            f"按单位名录所列{size}家单位{result.percent}%的比例，从其中标注为重点监控单位的"
            f"{len(result.population)}家中抽取{count}家单位，开展重点监控现场检查"
        )
    return (
        f"从单位名录所列{size}家单位中按{result.percent}%的比例抽取{count}家单位开展{result.method}"
    )
