"""The 填写说明 sheet (how to fill in, the scheme's notes) and xlwings' settings sheet."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.workbook.defined_name import DefinedName

from ..scheme import Scheme
from .names import CONF, GUIDE, SCHEME, SCHEME_VERSION, UDF_MODULE, quote
from .printing import fit_rows, page_setup
from .style import FONT_NAME, put_text

GUIDE_TEXT = """填写说明 / how to fill in

1. 「考核表」是个人考核表：填写黄色格子（基本信息、实际值或各评价人的评分），得分、小计、总分、等级和奖金系数自动计算。
   打印：A4 纵向，已设为一页宽；签字栏在表尾。每张工作表都已设好打印（A4、一页宽、页码）。
   「团队汇总」横向打印，每页重复表头；在 Excel 中打印全部 {rows} 行，kpixl pdf --sheets team 只打印有人的行。
2. 「团队汇总」每行一个人（{rows} 行）：从「工号」起按表头填写，空行不计算。结果列（得分、总分、等级、奖金系数、排名、标记）自动计算，
   排名同分同名次（与 RANK 相同）。表头与 kpixl 的名单/结果格式完全一致，可直接用 kpixl score 读取。
3. 百分比可填 88% 或 0.88（也可填 88，视为 88%）；时长按表头单位填写数字；等级/是否从下拉列表选择。
   留空 = 缺失：按方案的缺失规则计分，并在「标记」列注明。填了无法识别的内容时结果显示 #N/A，不会按 0 分计。
4. 「<指标>·调整得分」列：评价人可以在规则范围内调整得分，调整值优先，并在「标记」列注明。
5. 「指标库」「等级系数」：权重、分档界限、分值、等级下限和奖金系数都可以直接修改，所有公式随之更新。
   分档的个数和开闭（含/不含）由方案文件决定，需用 kpixl build 重新生成。
6. 舍入与 Excel 的 ROUND 相同（四舍五入）：各项得分、小计、总分保留 {decimals} 位小数。
7. 工作表已保护（无密码），只有黄色格子可编辑；如需修改结构：审阅 → 撤销工作表保护。

方案 / scheme: {id} — {name}
"""


def write_guide(wb: Workbook, scheme: Scheme, rows: int) -> None:
    ws = wb.create_sheet(GUIDE)
    text = GUIDE_TEXT.format(rows=rows, decimals=scheme.decimals, id=scheme.id, name=scheme.name)
    wrap = Alignment(vertical="top", wrap_text=True)
    for r, line in enumerate(text.splitlines(), 1):
        cell = ws.cell(r, 1, line)
        cell.font = Font(name=FONT_NAME, size=11, bold=(r == 1))
        cell.alignment = wrap
    notes = [n for n in scheme.notes.splitlines() if n.strip()] if scheme.notes else []
    r = len(text.splitlines()) + 2
    last = r - 2
    if notes:
        ws.cell(r, 1, "方案说明（种子表格未写清之处及选择）/ notes").font = Font(name=FONT_NAME, bold=True)
        for k, line in enumerate(notes, r + 1):
            put_text(ws, k, 1, line).alignment = wrap
        last = r + len(notes)
    ws.column_dimensions["A"].width = 120
    fit_rows(ws, 1, last)
    page_setup(ws, scheme.name, landscape=True, area=f"A1:A{last}")
    ws["B1"], ws["C1"] = "方案 id", scheme.id  # the add-in's scripts read the scheme id here
    wb.defined_names["kp_scheme"] = DefinedName("kp_scheme", attr_text=f"{quote(GUIDE)}!$C$1")


#: xlwings' settings sheet, in the order of its own quickstart template; the add-in module set.
#: Keys whose value would be empty are left out: an empty Interpreter_Win, PYTHONPATH, Conda Path
#: or Conda Env on the sheet overrides what ``xlwings addin install`` recorded for the user.
CONF_ROWS = (
    ("UDF Modules", UDF_MODULE),
    ("Debug UDFs", False),
    ("Use UDF Server", False),
    ("Show Console", False),
)


def write_scheme(wb: Workbook, scheme: Scheme) -> None:
    """The hidden 方案 sheet: the scheme's YAML, one line per row after a version line, so a form
    made from any scheme (a YAML file, not only a built-in) can be collected, checked and shown."""
    ws = wb.create_sheet(SCHEME)
    put_text(ws, 1, 1, SCHEME_VERSION)
    for r, line in enumerate(scheme.text.splitlines(), 2):
        put_text(ws, r, 1, line)
    ws.column_dimensions["A"].width = 100
    ws.sheet_state = "hidden"


def write_conf(wb: Workbook, ws=None) -> None:
    if ws is None:
        ws = wb.create_sheet(CONF)
    ws.title = CONF
    for r in range(1, ws.max_row + 1):
        for c in range(1, ws.max_column + 1):
            ws.cell(r, c).value = None
    for r, (key, value) in enumerate(CONF_ROWS, 1):
        ws.cell(r, 1, key)
        ws.cell(r, 2, value)
    ws.sheet_state = "hidden"
