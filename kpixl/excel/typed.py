"""What people type, read once per input cell: each input cell of 考核表 and 团队汇总 has a twin on a
hidden sheet (``考核表·读取``, ``团队汇总·读取``, same address) holding the value as the engine reads
it — ``""`` for a blank or a blank word, the number in the field's unit, or #N/A — so every points
formula reads a number once instead of parsing the text again for each band. At each override
cell's address the hidden sheet holds the rule's points that the override replaces (the item and
its 调整 flag both read them). The reader and the
data validation that refuses what it cannot read are :func:`kpixl.xl.excel_read` and
:func:`kpixl.xl.excel_readable`; the word lists and unit tables behind them are defined names."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.workbook.defined_name import DefinedName

from ..rules import Rule
from ..scheme import Scheme
from ..xl import reader_names
from .names import quote

READ_SUFFIX = "·读取"


def scheme_units(scheme: Scheme) -> set[str]:
    rules = [i.rule for i in scheme.indicators] + [a.rule for a in scheme.adjustments] + [v.rule for v in scheme.vetoes]
    return {r.input_unit(f) for r in rules for f in r.fields}


class Reads:
    """The hidden sheet of one input sheet, and the defined names its formulas use."""

    def __init__(self, wb: Workbook, source, scheme: Scheme) -> None:
        for name, text in reader_names(scheme_units(scheme)).items():
            if name not in wb.defined_names:
                wb.defined_names[name] = DefinedName(name, attr_text=text)
        self.source = source
        self.ws = wb.create_sheet(f"{source.title}{READ_SUFFIX}")
        self.ws.sheet_state = "hidden"
        self.ws.protection.sheet = True

    def read(self, rule: Rule, field: str, ref: str) -> str:
        """Write the reading of input cell ``ref`` on the hidden sheet; return where it is."""
        return self.put(ref, rule.excel_read(field, f"{quote(self.source.title)}!{ref}"))

    def put(self, ref: str, formula: str) -> str:
        """A formula on the hidden sheet at the address of source cell ``ref`` (an input's reading,
        or at an override cell the rule's points it overrides); return where it is."""
        self.ws[ref] = "=" + formula
        return f"{quote(self.ws.title)}!{ref}"
