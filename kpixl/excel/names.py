"""Names shared by the workbook's sheets: sheet titles, defined names, fixed settings."""

from __future__ import annotations

import datetime as _dt
import re

TEAM = "团队汇总"
FORM = "考核表"
LIBRARY = "指标库"
GRADES = "等级系数"
GUIDE = "填写说明"
CONF = "xlwings.conf"
SCHEME = "方案"  # hidden: the scheme's YAML, one line per row, so the workbook can be read back anywhere
SCHEME_VERSION = "kpixl 方案 v1"
TEAM_ROWS = 300
SIGNERS = ("被考核人确认", "考核人", "复核人")
UDF_MODULE = "kpixl_udfs"
FIXED_TIME = _dt.datetime(2026, 1, 1)


def defined_name(key: str) -> str:
    """A defined name for a parameter key: kp_i3_b2_lo (never looks like a cell reference)."""
    return "kp_" + re.sub(r"[^A-Za-z0-9_]", "_", key)


def quote(sheet: str) -> str:
    """A sheet name as a formula reference needs it: '团队汇总'."""
    return "'" + sheet.replace("'", "''") + "'"
