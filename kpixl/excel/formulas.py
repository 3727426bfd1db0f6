"""The formula compiler: every rule kind of the model as a native Excel formula.

A compiled formula is the same rule the engine evaluates (:mod:`kpixl.rules`), written
with functions that Excel 2010, WPS and LibreOffice 7.4 all have (:data:`FUNCTIONS`; no
XLOOKUP, LET, IFS or dynamic arrays). Numbers that HR may edit are not literals: the
compiler asks a ``ParamRef`` for each parameter (:mod:`kpixl.excel.params`), which the
workbook answers with a defined name pointing into ``指标库``.

Conventions, mirroring :mod:`kpixl.units` and :mod:`kpixl.scoring`:

* a blank cell is *missing*; the indicator's missing policy decides its points;
* a percentage cell holding a number with ``|x| ≤ 1`` is a fraction, otherwise points
  (88 → 88%), as ``parse_value`` reads it;
* a value the engine would reject (text in a number cell, out of range) gives ``#N/A``:
  visible, never a silent 0;
* ROUND (half away from zero) at the same three points as the engine.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping

from ..rules import (
    BandRule,
    ChecklistRule,
    ChoiceRule,
    CounterRule,
    PerUnitRule,
    RatioRule,
    Rule,
    ScaleRule,
    SteppedRule,
    VetoRule,
)
from ..scheme import Indicator, Scheme
from ..units import COUNT_UNITS

#: Every function a generated formula may use: in Excel 2010, WPS and LibreOffice 7.4 alike.
FUNCTIONS = frozenset(
    {
        "ABS", "AND", "COUNTA", "COUNTIF", "IF", "INDEX", "INT", "ISNUMBER", "MATCH", "MAX", "MIN",
        "MID", "NA", "NOT", "OR", "RANK", "ROUND", "ROUNDDOWN", "ROUNDUP", "SUM", "SUMPRODUCT", "ISERROR", "LEN",
    }
)  # fmt: skip

ParamRef = Callable[[str], str]
NA = "NA()"


def literal(x: float) -> str:
    """A number as a formula literal (shortest round-trip form, no trailing .0)."""
    if x != x or math.isinf(x):
        raise ValueError(f"not a finite number: {x}")
    text = repr(float(x))
    if text.endswith(".0"):
        text = text[:-2]
    return text.upper()  # 1e-05 → 1E-05


def text_literal(s: str) -> str:
    return '"' + s.replace('"', '""') + '"'


def literal_params(rule: Rule) -> ParamRef:
    """A ParamRef that writes every parameter as a literal (no 指标库)."""
    from .params import rule_params

    values = {p.key: p.value for p in rule_params(rule)}
    return lambda key: literal(values[key])


def functions_used(formula: str) -> set[str]:
    """Names of the functions a formula calls (text in quotes ignored)."""
    bare = re.sub(r'"(?:[^"]|"")*"', '""', formula)
    return set(re.findall(r"([A-Z][A-Z0-9.]*)\(", bare))


# ----------------------------------------------------------------------------- inputs
def _number(cell: str, unit: str) -> str:
    if unit == "%":
        return f"IF(ISNUMBER({cell}),IF(ABS({cell})<=1,{cell},{cell}/100),NA())"
    return f"IF(ISNUMBER({cell}),{cell},NA())"


def _guard(cond: str, value: str) -> str:
    return f"IF({cond},{value},NA())"


def _yes_no(cell: str) -> str:
    return f'IF(OR({cell}="是",{cell}=1),1,IF(OR({cell}="否",{cell}=0),0,NA()))'


def field_value(rule: Rule, field: str, cell: str) -> str:
    """The numeric value of one raw input cell as the engine reads it, or #N/A."""
    if isinstance(rule, ChoiceRule):
        chain = NA
        for o in reversed(rule.options):
            label = f"{cell}={text_literal(o.label)}"
            if rule.style == "yesno":  # 是/否 always work besides the rubric's own words
                label = f'OR({label},{cell}="{"是" if o.key == 1 else "否"}")'
            chain = f"IF({label},{literal(o.key)},{chain})"
        return f"IF(ISNUMBER({cell}),{cell},{chain})"
    if isinstance(rule, ChecklistRule):
        if rule.items:
            return _yes_no(cell)
        return _guard(f"AND(ISNUMBER({cell}),{cell}>=0,INT({cell})={cell})", cell)
    if isinstance(rule, RatioRule):
        if field in rule.denominators:
            op = ">0" if len(rule.denominators) == 1 else ">=0"
            return _guard(f"AND(ISNUMBER({cell}),{cell}{op})", cell)
        return _number(cell, "")
    unit = rule.input_unit(field)
    x = _number(cell, unit)
    if isinstance(rule, CounterRule):
        cond = f"{cell}>=0" + (f",INT({cell})={cell}" if rule.unit in COUNT_UNITS else "")
        return _guard(f"AND(ISNUMBER({cell}),{cond})", cell)
    if isinstance(rule, PerUnitRule) or (isinstance(rule, SteppedRule) and rule.unit):
        return f"IF({x}>=0,{x},NA())"
    return x


def present(rule: Rule, cells: Mapping[str, str]) -> str:
    """TRUE when every input of the rule is filled in (and a ratio's denominator is not 0)."""
    conds = [f'{cells[f]}<>""' for f in rule.fields]
    if isinstance(rule, RatioRule) and len(rule.denominators) > 1:
        conds.append("(" + "+".join(cells[d] for d in rule.denominators) + ")<>0")
    return conds[0] if len(conds) == 1 else f"AND({','.join(conds)})"


# ----------------------------------------------------------------------------- rules
def _clip(expr: str, floor: str | None, cap: str | None) -> str:
    if floor is not None:
        expr = f"MAX({expr},{floor})"
    if cap is not None:
        expr = f"MIN({expr},{cap})"
    return expr


def points(rule: Rule, x: Mapping[str, str], p: ParamRef, *, domain: bool = True) -> str:
    """The points formula of ``rule`` over numeric input expressions ``x`` (one per field).

    ``domain=False`` leaves out the band rule's domain check, as the engine does for the
    computed value of a ratio (only typed values are checked against the domain)."""
    if isinstance(rule, BandRule):
        v = x[""]
        ordered = rule.ordered
        index = {id(b): i for i, b in enumerate(rule.bands, 1)}
        chain = NA
        for b in reversed(ordered):
            i = index[id(b)]
            if b.exact:
                cond = f"{v}={p(f'b{i}.v')}"
            else:
                parts = []
                if b.lo > -math.inf:
                    parts.append(f"{v}{'>=' if b.lo_closed else '>'}{p(f'b{i}.lo')}")
                if b.hi < math.inf:
                    parts.append(f"{v}{'<=' if b.hi_closed else '<'}{p(f'b{i}.hi')}")
                cond = "TRUE" if not parts else parts[0] if len(parts) == 1 else f"AND({','.join(parts)})"
            chain = f"IF({cond},{p(f'b{i}.pts')},{chain})"
        if domain and rule.domain_lo > -math.inf:
            chain = f"IF({v}<{literal(rule.domain_lo)},NA(),{chain})"
        return chain
    if isinstance(rule, ScaleRule):
        v = x[""]
        return f"IF(AND({v}>={p('lo')},{v}<={p('hi')}),{v},NA())"
    if isinstance(rule, ChoiceRule):
        v = x[""]
        chain = NA
        for k, o in reversed(list(enumerate(rule.options, 1))):
            chain = f"IF({v}={literal(o.key)},{p(f'o{k}.pts')},{chain})"
        return chain
    if isinstance(rule, CounterRule):
        terms = [p("base")]
        for k, (f, _c) in enumerate(zip(rule.fields, rule.counters, strict=True), 1):
            terms.append(f"{p(f'c{k}')}*{x[f]}")
        return _clip("+".join(terms), p("floor") if rule.floor is not None else None, p("cap") if rule.cap is not None else None)
    if isinstance(rule, PerUnitRule):
        v = x[""]
        short = f"MAX({p('target')}-{v},0)/{p('step')}"
        over = f"MAX({v}-{p('target')},0)/{p('step')}"
        expr = f"{p('base')}-{p('down')}*{short}+{p('up')}*{over}"
        return _clip(expr, p("floor") if rule.floor is not None else None, p("cap") if rule.cap is not None else None)
    if isinstance(rule, SteppedRule):
        v = x[""]
        beyond = f"{v}-{p('limit')}" if rule.above else f"{p('limit')}-{v}"
        fn = "ROUNDUP" if rule.partial == "ceil" else "ROUNDDOWN"
        steps = f"{fn}(ROUND(MAX({beyond},0)/{p('step')},9),0)"
        return _clip(f"{p('base')}-{p('penalty')}*{steps}", p("floor") if rule.floor is not None else None, None)
    if isinstance(rule, ChecklistRule):
        unmet = "+".join(f"(1-{x[i]})" for i in rule.items) if rule.items else x[""]
        return _clip(f"{p('full')}-{p('penalty')}*({unmet})", p("floor") if rule.floor is not None else None, None)
    if isinstance(rule, RatioRule):
        num = x[rule.numerator]
        den = "+".join(x[d] for d in rule.denominators)
        if len(rule.denominators) > 1:
            den = f"({den})/{len(rule.denominators)}"
        return points(rule.inner, {"": f"({num}/({den}))"}, p, domain=False)
    if isinstance(rule, VetoRule):
        op = {"≥": ">=", ">": ">", "≤": "<=", "<": "<", "=": "="}[rule.op]
        return f"IF({x['']}{op}{p('threshold')},1,0)"
    raise TypeError(f"cannot compile {type(rule).__name__}")


def rule_formula(rule: Rule, cells: Mapping[str, str], p: ParamRef | None = None) -> str:
    """Points of ``rule`` for raw input cells (field → reference); blank inputs give ""."""
    p = p or literal_params(rule)
    x = {f: field_value(rule, f, cells[f]) for f in rule.fields}
    return f'IF({present(rule, cells)},{points(rule, x, p)},"")'


# ----------------------------------------------------------------------------- scheme
def missing_points(ind: Indicator) -> float:
    """What the engine gives a missing value under the 最低分 policy."""
    low = ind.rule.lowest
    return low if math.isfinite(low) else 0.0


def indicator_formula(
    scheme: Scheme,
    ind: Indicator,
    cells: Mapping[str | None, Mapping[str, str]],
    override: str | None,
    p: ParamRef,
    rater_weight: Callable[[str], str],
) -> str:
    """An indicator's points (``<名称>得分``) as the engine computes them: rule per rater,
    rater blend renormalised over those who rated, missing policy, override, ROUND."""
    rule = ind.rule
    parts = []
    for rater in ind.raters or (None,):
        c = cells[rater]
        if ind.missing == "zero":
            x = {f: f'IF({c[f]}="",0,{field_value(rule, f, c[f])})' for f in rule.fields}
            pres = "TRUE"
        else:
            x = {f: field_value(rule, f, c[f]) for f in rule.fields}
            pres = present(rule, c)
        parts.append((rater, pres, points(rule, x, p)))
    missing = {"min": p("missing"), "error": NA, "zero": NA}[ind.missing]
    if not ind.raters:
        _, pres, pts = parts[0]
        raw = pts if pres == "TRUE" else f"IF({pres},{pts},{missing})"
    else:
        num = "+".join(f"IF({pres},{rater_weight(r)}*{pts},0)" for r, pres, pts in parts)
        den = "+".join(f"IF({pres},{rater_weight(r)},0)" for r, pres, _ in parts)
        anyp = "OR(" + ",".join(pres for _, pres, _ in parts) + ")"
        raw = f"({num})/({den})" if ind.missing == "zero" else f"IF({anyp},({num})/({den}),{missing})"
    if override:
        lo = literal(missing_points(ind)) if math.isfinite(rule.lowest) else None
        hi = literal(rule.full)
        ok = f"AND(ISNUMBER({override}),{override}<={hi}" + (f",{override}>={lo})" if lo is not None else ")")
        raw = f'IF({override}="",{raw},IF({ok},{override},NA()))'
    return f"ROUND({raw},{scheme.decimals})"
