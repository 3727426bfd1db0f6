"""The formula compiler: a person's results as native Excel formulas for one layout of cells.

Each rule kind writes its own formula (:meth:`kpixl.rules.Rule.excel_points` and
:meth:`~kpixl.rules.Rule.excel_value`, built from :mod:`kpixl.xl`); this module adds what
the scheme decides around it, as :mod:`kpixl.scoring` does: the rater blend renormalised
over those who rated, the missing-value policy, a typed override, section subtotals, the
total with adjustments, vetoes and limits, the grade, and the 标记 text — ROUND (half away
from zero) at the engine's three points. Numbers HR may edit are never literals: each is
read through a defined name into 指标库 (:mod:`kpixl.excel.library`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..scheme import FLAG_SEP, Indicator, Scheme, weight_groups
from ..units import MAX_MAGNITUDE
from ..xl import NA, ParamRef, all_of, literal, text_literal
from .library import Library

if TYPE_CHECKING:
    from ..rules import Rule


def indicator_formula(scheme: Scheme, ind: Indicator, cells: Mapping[str | None, Mapping[str, str]], override: str | None, base: str) -> str:
    """An indicator's points (``<名称>得分``) as the engine computes them: the rule's points ``base``
    (:meth:`Compiler.base`, or the cell holding them), an override in its range instead, ROUND —
    and 无法读取 where an input cannot be read."""
    raw = base
    bad = f"OR({','.join(f'ISERROR({c[f]})' for c in cells.values() for f in ind.rule.fields)})"
    if override:
        low, high = ind.override_range
        lo = literal(low) if ind.has_floor else None
        hi = literal(high)
        ok = f"AND(ISNUMBER({override}),{override}<={hi}" + (f",{override}>={lo}" if lo is not None else "")
        ok += f",ABS({override})<{literal(MAX_MAGNITUDE)})"  # too large, as every value read (no floor: −1E+308)
        raw = f'IF({override}="",{raw},IF({ok},{override},NA()))'
    # an input the sheet cannot read shows 无法读取 on the item (and its total), never #N/A
    return f"IF({bad},{UNREADABLE_TEXT},IFERROR(ROUND({raw},{scheme.decimals}),{UNREADABLE_TEXT}))"


def _points(
    scheme: Scheme,
    ind: Indicator,
    cells: Mapping[str | None, Mapping[str, str]],
    p: ParamRef,
    rater_weight: Callable[[str], str],
) -> str:
    """An indicator's points before an override and ROUND: rule per rater, blend, missing policy."""
    rule = ind.rule
    parts = []
    for rater in ind.raters or (None,):
        c = cells[rater]
        if ind.missing == "zero":
            x = _blank_as_zero(rule, c)
            pres = "TRUE"
        else:
            x = {f: rule.excel_input(f, c[f]) for f in rule.fields}
            pres = rule.excel_present(c)
        parts.append((rater, pres, rule.excel_points(x, p)))
    missing = {"min": p("missing"), "error": NA, "zero": NA}[ind.missing]
    if not ind.raters:
        _, pres, pts = parts[0]
        raw = pts if pres == "TRUE" else f"IF({pres},{pts},{missing})"
    else:
        num = "+".join(f"IF({pres},{rater_weight(r)}*{pts},0)" for r, pres, pts in parts)
        den = "+".join(f"IF({pres},{rater_weight(r)},0)" for r, pres, _ in parts)
        anyp = "OR(" + ",".join(pres for _, pres, _ in parts) + ")"
        raw = f"({num})/({den})" if ind.missing == "zero" else f"IF({anyp},({num})/({den}),{missing})"
    return raw


def _blank_as_zero(rule: Rule, cells: Mapping[str, str]) -> dict[str, str]:
    """Each input of ``rule`` read through :meth:`~kpixl.rules.Rule.excel_input`, a blank as 0 (an
    adjustment, or an item whose missing policy is 按0计)."""
    return {f: f'IF({cells[f]}="",0,{rule.excel_input(f, cells[f])})' for f in rule.fields}


@dataclass
class Cells:
    """Where one person's inputs live: indicator → rater → field → cell, and the rest."""

    inputs: dict[str, dict[str | None, dict[str, str]]]
    overrides: dict[str, str]
    adjustments: dict[str, dict[str, str]]
    vetoes: dict[str, str]
    #: indicator → the cell showing its points (where the 标记 can see them)
    results: dict[str, str] = field(default_factory=dict)
    #: indicator → a cell holding the rule's rounded points before an override (:meth:`Compiler.base`)
    bases: dict[str, str] = field(default_factory=dict)


class Compiler:
    """Compiles a person's results for one layout of cells (a team row or the form)."""

    def __init__(self, scheme: Scheme, lib: Library) -> None:
        self.scheme = scheme
        self.lib = lib
        self.rater_index = {r: i for i, r in enumerate(scheme.raters, 1)}

    def item(self, ji: int, ind: Indicator, cells: Cells) -> str:
        base = cells.bases.get(ind.name) or self.base(ji, ind, cells)
        return indicator_formula(self.scheme, ind, cells.inputs[ind.name], cells.overrides.get(ind.name), base)

    def base(self, ji: int, ind: Indicator, cells: Cells) -> str:
        """The rule's points, rounded, before any override (what an override is compared with)."""
        return f"ROUND({self.points(ji, ind, cells)},{self.scheme.decimals})"

    def contribution(self, ji: int, ind: Indicator, item_cell: str) -> str:
        n = self.lib.names
        full = f"{n[f'i{ji}.weight']}*100" if ind.weight is not None else n[f"i{ji}.value"]
        return f"{item_cell}*({full}/{n[f'i{ji}.full']})"

    def subtotal(self, terms: list[str]) -> str:
        return _readable(f"ROUND({'+'.join(terms) or '0'},{self.scheme.decimals})")

    def adjustment(self, cells: Cells) -> str:
        terms = []
        for ai, adj in enumerate(self.scheme.adjustments, 1):
            c = cells.adjustments[adj.name]
            terms.append(adj.rule.excel_points(_blank_as_zero(adj.rule, c), self.lib.ref(f"a{ai}")))
        return _readable(f"ROUND({'+'.join(terms)},{self.scheme.decimals})")

    def total(self, subtotals: list[str], adjustment: str | None, cells: Cells) -> str:
        s = self.scheme
        n = self.lib.names
        if s.composite:
            raw = "+".join(f"{sub}*{n[f's{si}.w']}" for si, sub in enumerate(subtotals, 1))
        else:
            raw = "+".join(subtotals)
        if adjustment:
            raw = f"{raw}+{adjustment}"
        vetoed = []
        for vi, veto in enumerate(s.vetoes, 1):
            c = cells.vetoes[veto.name]
            vetoed.append(f'IF({c}="",FALSE,{self.veto_points(vi, c)}=0)')
        if vetoed:
            raw = f"IF(OR({','.join(vetoed)}),0,{raw})"
        if s.total_floor is not None:
            raw = f"MAX({raw},{n['total.floor']})"
        if s.total_cap is not None:
            raw = f"MIN({raw},{n['total.cap']})"
        return _readable(f"ROUND({raw},{s.decimals})")

    def weights_ok(self) -> str | None:
        """TRUE while the weights in 指标库 total 100% where the scheme says they must (sections,
        the weighted indicators of each section or of a flat form, raters); None: nothing to check."""
        s, n = self.scheme, self.lib.names
        key = {id(sec): f"s{si}.w" for si, sec in enumerate(s.sections, 1)}
        key |= {id(ind): f"i{ji}.weight" for ji, ind in enumerate(s.indicators, 1)}
        groups = [[n[key[id(m)]] for m in members] for _, _, members in weight_groups(s.sections)]
        groups.append([n[f"r{ri}.weight"] for ri in range(1, len(s.raters) + 1)])
        conds = [f"ROUND({'+'.join(g)},9)=1" for g in groups if g]
        return all_of(conds) if conds else None

    def weight_warning(self) -> str | None:
        """A visible warning, on screen and on paper, while the weights do not total 100%."""
        ok = self.weights_ok()
        return f'=IF({ok},"",{text_literal(WEIGHT_WARNING)})' if ok else None

    def shown_weight(self, ji: int, ind: Indicator) -> tuple[str, str]:
        """The weight or 分值 in force (a formula over 指标库) and its number format."""
        n = self.lib.names
        if ind.weight is not None:
            return f"={n[f'i{ji}.weight']}", "0%"
        return f"={n[f'i{ji}.value']}", '0"分"'

    @staticmethod
    def grade(total: str, column: str) -> str:
        """The grade (or coefficient) of a total; blank while the total cannot be read."""
        return f'IF(ISNUMBER({total}),INDEX({column},IF({total}<INDEX(kp_grade_lower,1),1,MATCH({total},kp_grade_lower,1))),"")'

    @staticmethod
    def rank(total: str, column: str) -> str:
        """RANK's place (ties share it) among the readable totals: a total that cannot be read is the
        text 无法读取 (never an error), which RANK skips, so one such row leaves the others' ranks alone."""
        return f'IF(ISNUMBER({total}),RANK({total},{column},0),"")'

    def veto_points(self, vi: int, cell: str) -> str:
        veto = self.scheme.vetoes[vi - 1]
        return veto.rule.excel_points({"": veto.rule.excel_input("", cell)}, self.lib.ref(f"v{vi}"))

    def flags(self, cells: Cells) -> str:  # long: every flag of the engine, in its order, in one text formula
        """The 标记 text, in the engine's words and order (the scheme's ``flag_*`` texts), except
        two flags that need every rater's points side by side and stay engine-only: 需校准 and
        the before→after of an override (here: 调整:名→分, only where the override differs from the
        rule's points, as the engine flags it). An item whose input cannot be read says so
        (无法读取:名) instead of its other flags; so does an adjustment or a veto (the engine refuses
        such a row outright, naming the cell)."""
        parts = []
        for ji, ind in enumerate(self.scheme.indicators, 1):
            rule = ind.rule
            raters = ind.raters or (None,)
            pres = {r: rule.excel_present(cells.inputs[ind.name][r]) for r in raters}
            anyp = "OR(" + ",".join(pres.values()) + ")"
            own = []
            if ind.missing == "zero":
                for r in raters:
                    own.append(f'IF({pres[r]},"",{_flag(ind.flag_missing(r))})')
            elif ind.raters:
                for r in raters:
                    own.append(f'IF(AND({anyp},NOT({pres[r]})),{_flag(ind.flag_unrated(r))},"")')
            if ind.missing == "min":
                cond = pres[None] if not ind.raters else anyp
                own.append(f'IF({cond},"",{_flag(ind.flag_missing())})')
            ov = cells.overrides.get(ind.name)
            if ov:
                base = cells.bases.get(ind.name) or self.base(ji, ind, cells)
                own.append(f'IF({ov}="","",IF(IFERROR({ov}={base},FALSE),"",{_flag(ind.flag_override())}&{ov}))')
            item = cells.results.get(ind.name)
            mine = "&".join(own) if own else '""'
            if item:
                mine = f"IF(ISNUMBER({item}),{mine},{_flag(f'{UNREADABLE}:{ind.name}')})"
            parts.append(mine)
        for adj in self.scheme.adjustments:  # an adjustment the sheet cannot read or the rule refuses
            c = cells.adjustments[adj.name]
            refused = ",".join(f"ISERROR({x})" for x in _blank_as_zero(adj.rule, c).values())
            parts.append(f'IF(OR({refused}),{_flag(f"{UNREADABLE}:{adj.name}")},"")')
        for vi, veto in enumerate(self.scheme.vetoes, 1):
            c = cells.vetoes[veto.name]
            unreadable = _flag(f"{UNREADABLE}:{veto.name}")
            # unreadable too: a value read that the rule refuses (out of its range, too large)
            refused = f'IF(ISERROR({veto.rule.excel_input("", c)}),{unreadable},"")'
            parts.append(f'IF(ISERROR({c}),{unreadable},IF({c}="",{_flag(veto.flag_missing)},{refused}))')
            parts.append(f'IFERROR(IF({c}="","",IF({self.veto_points(vi, c)}=0,{_flag(veto.flag_vetoed)},"")),"")')
        joined = "&".join(parts) if parts else '""'
        return f"MID({joined},{len(FLAG_SEP) + 1},1000)"

    def points(self, ji: int, ind: Indicator, cells: Cells) -> str:
        """An indicator's points by its rule, before any override (unrounded)."""
        return _points(
            self.scheme,
            ind,
            cells.inputs[ind.name],
            self.lib.ref(f"i{ji}"),
            lambda r: self.lib.names[f"r{self.rater_index[r]}.weight"],
        )


#: what a result cell shows when an input it needs cannot be read (on screen and on paper)
UNREADABLE = "无法读取"
UNREADABLE_TEXT = text_literal(UNREADABLE)


def _readable(formula: str) -> str:
    """A sum over item points, or 无法读取 when one of them cannot be read."""
    return f"IFERROR({formula},{UNREADABLE_TEXT})"


WEIGHT_WARNING = "⚠ 指标库中的权重合计不是100%，总分不可用 / the weights in 指标库 do not total 100%"


def _flag(text: str) -> str:
    """One flag as a formula text literal, with the separator before it (MID drops the first)."""
    return text_literal(FLAG_SEP + text)
