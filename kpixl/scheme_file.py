"""Reading a scheme (考核方案) from the mapping a YAML file holds, with located validation.

A scheme is written in YAML (see docs/schemes.md): nested sections → indicators → rubric text read naturally;
Chinese keys and comments are fine. The loader validates everything and names the place
of every problem (``部分[0].指标[1].权重``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import yaml

from .errors import KpixlError, SchemeError
from .rubric import parse_interval, parse_rule
from .rules import Rule
from .rules.base import parameter_problem
from .scheme import (
    DEFAULT_CALIBRATION,
    MISSING_POLICIES,
    SEP,
    VETO_EFFECTS,
    Adjustment,
    GradeTier,
    Indicator,
    PeriodRules,
    Scheme,
    Section,
    Veto,
    check_sum,
    check_weight_sums,
)
from .scheme_report import Problems as _Problems
from .scheme_report import fullwidth_colon_hint
from .units import fmt_quantity, parse_value


# ----------------------------------------------------------------------------- loading
def _num(value: Any, where: str, unit: str = "") -> float:
    try:
        out = parse_value(value, unit)
    except KpixlError as exc:
        raise SchemeError(f"{where}: {exc}") from None
    if math.isnan(out):
        raise SchemeError(f"{where}: 不能为空 / must not be blank")
    problem = parameter_problem(out, value)  # the bounds of 指标库 (kpixl.excel.reader) too
    if problem:
        raise SchemeError(f"{where}: {problem}")
    return out


def _text(d: Mapping, key: str, where: str, default: str | None = None) -> str:
    v = d.get(key, default)
    if v is None:
        raise SchemeError(f"{where}.{key}: 必填 / required")
    return str(v).strip()


def _known(d: Mapping, keys: set[str], where: str) -> None:
    unknown = set(d) - keys
    if unknown:
        raise SchemeError(
            f"{where}: 不认识的字段 {', '.join(sorted(map(str, unknown)))}（可用: {', '.join(sorted(keys))}）"
            f" / unknown keys {', '.join(sorted(map(str, unknown)))}"
        )


def _rule(text: str, where: str, max_points: float | None = None) -> Rule:
    try:
        return parse_rule(text, max_points=max_points)
    except KpixlError as exc:
        raise SchemeError(f"{where}: {exc}") from None


def _rule_key(d: Mapping, where: str) -> str:
    """Adjustments and vetoes take their rule from 规则, or from 评分标准 when that is all there is."""
    if "规则" in d:
        return "规则"
    if "评分标准" in d:
        return "评分标准"
    raise SchemeError(f"{where}: 缺少「规则」或「评分标准」/ a 规则 (rule text) is required")


def _missing(value: Any, where: str) -> str:
    if value not in MISSING_POLICIES:
        raise SchemeError(f"{where}: 缺失处理应为 最低分/报错/按0计 / missing policy must be 最低分, 报错 or 按0计")
    return MISSING_POLICIES[value]


IND_KEYS = {"名称", "权重", "分值", "评分标准", "规则", "目标值", "单位", "数据来源", "考核周期", "评价人", "缺失处理", "说明"}


def _indicator(d: Mapping, where: str, raters: Mapping[str, float], missing: str) -> Indicator:
    if not isinstance(d, Mapping):
        raise SchemeError(f"{where}: 应为一个指标（名称、权重/分值、评分标准…）/ expected an indicator mapping")
    _known(d, IND_KEYS, where)
    name = _text(d, "名称", where)
    if SEP in name:
        raise SchemeError(f"{where}.名称: 名称中不能有「{SEP}」/ names must not contain {SEP!r}")
    weight = _num(d["权重"], f"{where}.权重", "%") if "权重" in d else None
    points = _num(d["分值"], f"{where}.分值") if "分值" in d else None
    if (weight is None) == (points is None):
        raise SchemeError(f"{where}: 权重与分值须且只须填一个 / give exactly one of 权重 (weight) or 分值 (points)")
    if weight is not None and not 0 < weight <= 1:
        raise SchemeError(f"{where}.权重: 应在 0%–100% 之间 / weight must be within 0%–100%")
    rubric = str(d.get("评分标准", "") or "").strip()
    rule_text = str(d.get("规则", rubric) or "").strip()
    if not rule_text:
        raise SchemeError(f"{where}: 缺少评分标准或规则 / a rubric (评分标准 or 规则) is required")
    rule = _rule(rule_text, f"{where}.{'规则' if '规则' in d else '评分标准'}", points)
    if not rule.gives_points:
        raise SchemeError(f"{where}: 否定项请写在「否定项」下 / put vetoes under 否定项, not as an indicator")
    if rule.full <= 0:
        raise SchemeError(
            f"{where}: 规则满分必须大于0（请给该指标填「分值」，或在评分标准里写「满分N分」）"
            f" / the rule's full points must be > 0: add 分值, or write 满分N分 in the rubric"
        )
    ind_raters: tuple[str, ...] = ()
    if "评价人" in d:
        listed = d["评价人"] or []
        if isinstance(listed, str):
            listed = [x.strip() for x in listed.replace("、", ",").split(",") if x.strip()]
        for r in listed:
            if r not in raters:
                raise SchemeError(f"{where}.评价人: 未知的评价人「{r}」（方案的评价人: {', '.join(raters) or '无'}）/ unknown rater {r!r}")
        ind_raters = tuple(listed)
    elif raters:
        ind_raters = tuple(raters)
    return Indicator(
        name=name,
        rule=rule,
        weight=weight,
        points=points,
        rubric=rubric or rule_text,
        target=str(d.get("目标值", "") or ""),
        unit=str(d.get("单位", "") or rule.input_unit("")),
        source=str(d.get("数据来源", "") or ""),
        period=str(d.get("考核周期", "") or ""),
        raters=ind_raters,
        missing=_missing(d["缺失处理"], f"{where}.缺失处理") if "缺失处理" in d else missing,
        note=str(d.get("说明", "") or ""),
    )


def _grades(items: Any, where: str) -> tuple[GradeTier, ...]:
    if not isinstance(items, list) or not items:
        raise SchemeError(f"{where}: 至少要有一个等级 / at least one grade tier is required")
    tiers = []
    ranges = []
    for k, t in enumerate(items):
        w = f"{where}[{k}]"
        if not isinstance(t, Mapping):
            raise SchemeError(f"{w}: 应为 {{等级, 下限, 系数}} / expected a tier mapping")
        _known(t, {"等级", "下限", "范围", "系数"}, w)
        name = _text(t, "等级", w)
        coef = _num(t.get("系数"), f"{w}.系数")
        if "范围" in t:
            iv = parse_interval(str(t["范围"]))
            lo = float(iv.lo.number) if iv.lo is not None else -math.inf
            if iv.lo is not None and not iv.lo_closed:
                raise SchemeError(f"{w}.范围: 等级区间须包含下限（如「80≤/<90」）/ a tier must include its lower bound")
            hi = float(iv.hi.number) if iv.hi is not None else math.inf
            ranges.append((name, lo, hi, iv.hi_closed if iv.hi is not None else False))
            if "下限" in t and _num(t["下限"], f"{w}.下限") != lo:
                raise SchemeError(f"{w}: 下限与范围不一致 / 下限 does not match 范围")
        elif "下限" in t:
            lo = _num(t["下限"], f"{w}.下限")
        else:
            raise SchemeError(f"{w}: 需要「下限」或「范围」/ a tier needs 下限 or 范围")
        tiers.append(GradeTier(name, lo, coef))
    tiers.sort(key=lambda t: -t.lower)
    names = [t.name for t in tiers]
    if len(set(names)) != len(names):
        raise SchemeError(f"{where}: 等级名称重复 / duplicate grade names")
    lowers = [t.lower for t in tiers]
    if len(set(lowers)) != len(lowers):
        raise SchemeError(f"{where}: 两个等级的下限相同 / two tiers share a lower bound")
    if ranges:
        if len(ranges) != len(tiers):
            raise SchemeError(f"{where}: 要么都写「范围」，要么都写「下限」/ give 范围 for every tier or for none")
        ranges.sort(key=lambda r: r[1])
        for (n1, _, hi1, hc1), (n2, lo2, _, _) in itertools.pairwise(ranges):
            if hi1 < lo2:
                raise SchemeError(
                    f"{where}: {fmt_quantity(hi1)}–{fmt_quantity(lo2)} 没有对应等级（{n1} 与 {n2} 之间）"
                    f" / no grade for totals {fmt_quantity(hi1)}–{fmt_quantity(lo2)}"
                )
            if hi1 > lo2 or (hi1 == lo2 and hc1):
                raise SchemeError(f"{where}: 「{n1}」与「{n2}」的范围重叠 / tiers {n1} and {n2} overlap")
    return tuple(tiers)


TOP_KEYS = {"id", "名称", "来源", "考核周期", "说明", "缺失处理", "评价人", "校准阈值", "绩效奖金占比", "总分", "部分", "调整项", "否定项", "等级"}
TOP_KEYS |= {"多期规则"}


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SchemeError(f"{where}: 应为正整数，实际为 {value!r} / expected a positive whole number")
    return value


def _period_rules(data: Any, where: str) -> PeriodRules | None:
    if data is None:
        return None
    if not isinstance(data, Mapping):
        raise SchemeError(f"{where}: 应为「奖励 / 整改 / 晋升」设置 / expected 奖励, 整改 and/or 晋升 settings")
    _known(data, {"奖励", "整改", "晋升"}, where)
    rules = PeriodRules()
    if "奖励" in data:
        r = data["奖励"] or {}
        _known(r, {"连续期数", "金额"}, f"{where}.奖励")
        amounts = r.get("金额")
        if not isinstance(amounts, list) or not amounts:
            raise SchemeError(f"{where}.奖励.金额: 应为各名次的金额列表，如 [500, 300, 200] / a list of amounts by rank")
        rules = replace(rules, reward_periods=_count(r.get("连续期数"), f"{where}.奖励.连续期数"),
                        reward_amounts=tuple(_num(a, f"{where}.奖励.金额", "元") for a in amounts))  # fmt: skip
    if "整改" in data:
        r = data["整改"] or {}
        _known(r, {"后几名", "期限天数"}, f"{where}.整改")
        rules = replace(rules, bottom_count=_count(r.get("后几名"), f"{where}.整改.后几名"),
                        bottom_due_days=_count(r.get("期限天数", 4), f"{where}.整改.期限天数"))  # fmt: skip
    if "晋升" in data:
        r = data["晋升"] or {}
        _known(r, {"等级", "连续期数"}, f"{where}.晋升")
        rules = replace(rules, promote_grade=_text(r, "等级", f"{where}.晋升"),
                        promote_periods=_count(r.get("连续期数"), f"{where}.晋升.连续期数"))  # fmt: skip
    return rules


def _raters(data: Mapping, origin: str) -> dict[str, float]:
    raters: dict[str, float] = {}
    if data.get("评价人"):
        if not isinstance(data["评价人"], Mapping):
            raise SchemeError(f"{origin}.评价人: 应为「评价人: 权重」/ expected rater: weight pairs")
        for r, w in data["评价人"].items():
            raters[str(r)] = _num(w, f"{origin}.评价人.{r}", "%")
        check_sum(list(raters.values()), f"{origin}.评价人", "评价人权重")
    return raters


def _sections(data: Mapping, origin: str, raters: Mapping[str, float], missing: str, problems: _Problems) -> tuple[Section, ...]:
    raw_sections = data.get("部分")
    if not isinstance(raw_sections, list) or not raw_sections:
        raise SchemeError(f"{origin}.部分: 至少要有一个部分（含指标）/ at least one section with indicators is required")
    sections, complete = [], True
    for k, s in enumerate(raw_sections):
        w = f"{origin}.部分[{k}]"
        if not isinstance(s, Mapping):
            problems.attempt(_fail, f"{w}: 应为 {{名称, 权重, 指标}} / expected a section mapping")
            complete = False
            continue
        problems.attempt(_known, s, {"名称", "权重", "指标"}, w)
        inds = s.get("指标")
        if not isinstance(inds, list) or not inds:
            problems.attempt(_fail, f"{w}.指标: 至少要有一个指标 / at least one indicator is required")
            complete = False
            continue
        indicators = [problems.attempt(_indicator, d, f"{w}.指标[{j}]", raters, missing) for j, d in enumerate(inds)]
        weight = problems.attempt(_num, s["权重"], f"{w}.权重", "%") if s.get("权重") is not None else None
        name = problems.attempt(_text, s, "名称", w)
        read = [i for i in indicators if i is not None]
        if read:
            problems.attempt(_check_section, Section(name or "", tuple(read), weight), k, origin, s.get("权重") is not None)
        if len(read) < len(indicators) or name is None or (s.get("权重") is not None and weight is None):
            complete = False
            continue
        sections.append(Section(name, tuple(indicators), weight))
    if complete:  # sums across sections are judged only when every part could be read
        problems.attempt(_check_sections, sections, origin)
    return tuple(sections)


def _fail(message: str) -> None:
    raise SchemeError(message)


def _check_sections(sections: list[Section], origin: str) -> None:
    names = [i.name for s in sections for i in s.indicators]
    dup = {n for n in names if names.count(n) > 1}
    if dup:
        raise SchemeError(f"{origin}: 指标名称重复: {', '.join(sorted(dup))} / duplicate indicator names")
    with_w = [s for s in sections if s.weight is not None]
    if with_w and len(with_w) != len(sections):
        raise SchemeError(f"{origin}.部分: 要么每个部分都有权重，要么都没有 / give every section a weight or none")
    check_weight_sums(sections, f"{origin}.部分")


def _check_section(s: Section, k: int, origin: str, weighted: bool) -> None:
    """What one section can tell by itself: no mix of 权重 and 分值; under a section 权重, 分值 total 100."""
    if len({i.weight is None for i in s.indicators}) > 1:
        raise SchemeError(f"{origin}.部分[{k}]: 同一部分不能混用权重与分值 / do not mix 权重 and 分值 in one section")
    if weighted and s.indicators[0].weight is None and abs(s.full - 100) > 1e-9:
        raise SchemeError(
            f"{origin}.部分[{k}]: 部分「{s.name}」有权重，其指标的分值合计应为 100（现为 {fmt_quantity(s.full)}），"
            f"否则满分不是 100；请调整分值，或给指标填权重"
            f" / a weighted section's 分值 must total 100 (now {fmt_quantity(s.full)}); fix the 分值 or give the items 权重"
        )


def _adjustment(a: Any, w: str) -> Adjustment:
    if not isinstance(a, Mapping):
        raise SchemeError(f"{w}: 应为 {{名称, 规则}} / expected an adjustment mapping")
    _known(a, {"名称", "规则", "评分标准", "说明"}, w)
    key = _rule_key(a, w)
    return Adjustment(_text(a, "名称", w), _rule(_text(a, key, w), f"{w}.{key}"))


def _adjustments(data: Mapping, origin: str, problems: _Problems) -> tuple[Adjustment, ...]:
    found = [problems.attempt(_adjustment, a, f"{origin}.调整项[{k}]") for k, a in enumerate(data.get("调整项") or [])]
    return tuple(a for a in found if a is not None)


def _vetoes(data: Mapping, origin: str, problems: _Problems) -> tuple[Veto, ...]:
    found = [problems.attempt(_veto, v, f"{origin}.否定项[{k}]") for k, v in enumerate(data.get("否定项") or [])]
    return tuple(v for v in found if v is not None)


def _veto(v: Any, w: str) -> Veto:
    if not isinstance(v, Mapping):
        raise SchemeError(f"{w}: 应为 {{名称, 规则}} / expected a veto mapping")
    _known(v, {"名称", "规则", "评分标准", "效果", "说明"}, w)
    key = _rule_key(v, w)
    rule = _rule(_text(v, key, w), f"{w}.{key}")
    if rule.gives_points:
        raise SchemeError(f"{w}.规则: 应为否定项，如「否定项:满意率不低于90%」/ expected a veto rule")
    if rule.threshold is None:
        raise SchemeError(f"{w}.规则: 否定项阈值未填写（[ ]）/ the veto threshold is not filled in")
    effect = v.get("效果", "总分为0")
    if effect not in VETO_EFFECTS:
        raise SchemeError(f"{w}.效果: 目前支持「总分为0」/ supported effect: 总分为0")
    return Veto(_text(v, "名称", w), rule, VETO_EFFECTS[effect])


def scheme_from_dict(data: Mapping, origin: str = "方案", text: str | None = None) -> Scheme:
    """Build and validate a scheme from the mapping a YAML file holds (``text``: that file's
    YAML, kept in the scheme; without it the mapping is written out as YAML). Every problem is
    reported in one :class:`~kpixl.errors.SchemeError`, each with its place (and YAML line)."""
    if not isinstance(data, Mapping):
        raise SchemeError(f"{origin}: 方案文件应为一个映射（键: 值）/ a scheme file must hold a mapping{fullwidth_colon_hint(text)}")
    p = _Problems(origin, text)
    p.attempt(_known, data, TOP_KEYS, origin)
    total = data.get("总分") or {}
    p.attempt(_known, total, {"小数位", "下限", "上限"}, f"{origin}.总分")
    parts = {
        "id": p.attempt(_text, data, "id", origin),
        "name": p.attempt(_text, data, "名称", origin),
        "missing": p.attempt(_missing, data.get("缺失处理", "最低分"), f"{origin}.缺失处理"),
        "raters": p.attempt(_raters, data, origin),
    }
    sections = p.attempt(_sections, data, origin, parts["raters"] or {}, parts["missing"] or "min", p)
    adjustments, vetoes = _adjustments(data, origin, p), _vetoes(data, origin, p)
    grades = p.attempt(_grades, data.get("等级"), f"{origin}.等级")
    number = lambda key, where, unit="": p.attempt(_num, data[key], where, unit) if key in data else None
    floor = p.attempt(_num, total["下限"], f"{origin}.总分.下限") if "下限" in total else None
    cap = p.attempt(_num, total["上限"], f"{origin}.总分.上限") if "上限" in total else None
    calibration = number("校准阈值", f"{origin}.校准阈值", "%")
    share = number("绩效奖金占比", f"{origin}.绩效奖金占比", "%")
    period_rules = p.attempt(_period_rules, data.get("多期规则"), f"{origin}.多期规则")
    if grades:
        p.attempt(_check_grades_cover, grades, floor, origin)
    p.raise_if_any()
    scheme = Scheme(
        id=parts["id"],
        name=parts["name"],
        sections=sections,
        adjustments=adjustments,
        vetoes=vetoes,
        grades=grades,
        raters=parts["raters"],
        calibration=calibration if calibration is not None else DEFAULT_CALIBRATION,
        decimals=int(total.get("小数位", 2)),
        total_floor=floor,
        total_cap=cap,
        bonus_share=share,
        period=str(data.get("考核周期", "") or ""),
        source=str(data.get("来源", "") or ""),
        notes=str(data.get("说明", "") or ""),
        period_rules=period_rules,
    )
    p.attempt(_check_whole, scheme, origin)
    p.raise_if_any()
    if text is None:
        text = yaml.safe_dump(dict(data), allow_unicode=True, sort_keys=False)
    return replace(scheme, text=text)


def _check_grades_cover(grades: tuple[GradeTier, ...], floor: float | None, origin: str) -> None:
    low = floor if floor is not None else 0.0
    if grades[-1].lower > low:
        raise SchemeError(
            f"{origin}.等级: {fmt_quantity(low)}–{fmt_quantity(grades[-1].lower)} 没有对应等级，请加一个最低等级"
            f" / no grade for totals {fmt_quantity(low)}–{fmt_quantity(grades[-1].lower)}; add a bottom tier"
        )


def _check_whole(scheme: Scheme, origin: str) -> None:
    """What only the whole scheme can tell: the promoted grade exists, inputs have distinct columns."""
    pr = scheme.period_rules
    if pr and pr.promote_grade and pr.promote_grade not in {t.name for t in scheme.grades}:
        raise SchemeError(f"{origin}.多期规则.晋升.等级: 没有等级「{pr.promote_grade}」/ unknown grade {pr.promote_grade!r}")
    cols = scheme.input_columns()
    if len(cols) != len(set(cols)):
        raise SchemeError(f"{origin}: 名单列名重复 / two inputs share a roster column")
