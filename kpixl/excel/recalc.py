"""LibreOffice, headless, as the real spreadsheet engine: recalculate workbooks, print PDFs.

Each call runs one ``soffice`` over a batch of files with a fresh, private profile whose
settings force recalculation on load (``OOXMLRecalcMode`` = 0, "always"): otherwise
LibreOffice keeps the cached values that openpyxl never wrote. HOME and TMPDIR point
into a temp dir so nothing of the user's own LibreOffice is touched or used. Every
expected output is checked to exist.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..errors import LibreOfficeError

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def find_soffice() -> str:
    """The soffice executable, or a clear error saying how to install it."""
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    raise LibreOfficeError(
        "找不到 LibreOffice（soffice）。请安装：apt-get install libreoffice-calc / LibreOffice (soffice) not found; "
        "install the Debian package libreoffice-calc"
    )


def convert(files: Sequence[str | Path], outdir: str | Path, fmt: str, *, timeout: float = 600) -> list[Path]:
    """Convert ``files`` with one soffice call; return the outputs in the same order.

    ``fmt`` is ``xlsx`` (recalculated copy) or ``pdf``. Outputs land in ``outdir`` under
    the input's stem, so inputs must have distinct names and must not live in ``outdir``.
    """
    soffice = find_soffice()
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    paths = [Path(f).resolve() for f in files]
    if len({p.stem for p in paths}) != len(paths):
        raise LibreOfficeError("一批文件的文件名必须互不相同 / file names in one batch must differ")
    if any(p.parent == out.resolve() for p in paths):
        raise LibreOfficeError("输出目录不能是输入所在目录 / outdir must differ from the inputs' folder")
    filt = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "pdf": "pdf:calc_pdf_Export"}[fmt]
    with tempfile.TemporaryDirectory(prefix="kpixl-lo-") as tmp:
        profile = Path(tmp) / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
        home = Path(tmp) / "home"
        home.mkdir()
        env = {**os.environ, "HOME": str(home), "TMPDIR": tmp, "SAL_USE_VCLPLUGIN": "svp"}
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--convert-to",
            filt,
            "--outdir",
            str(out),
            *map(str, paths),
        ]
        try:
            proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise LibreOfficeError(f"LibreOffice 超时（{timeout:.0f} 秒）/ LibreOffice timed out") from None
    results = [out / f"{p.stem}.{fmt}" for p in paths]
    absent = [r.name for r in results if not r.exists() or r.stat().st_size == 0]
    if absent:
        raise LibreOfficeError(
            f"LibreOffice 没有生成 {', '.join(absent)} / LibreOffice did not write {', '.join(absent)} "
            f"(exit {proc.returncode}): {proc.stderr.strip()[-500:]}"
        )
    return results


def recalculate(files: Sequence[str | Path], outdir: str | Path) -> list[Path]:
    """Recalculated copies of ``files`` (values computed by LibreOffice, formulas kept)."""
    return convert(files, outdir, "xlsx")


def to_pdf(files: Sequence[str | Path], outdir: str | Path) -> list[Path]:
    """PDFs of ``files`` as LibreOffice prints them (print areas, page setup, fonts)."""
    return convert(files, outdir, "pdf")


def form_pdfs(files: Sequence[str | Path], outdir: str | Path, sheet: str = "考核表") -> list[Path]:
    """PDFs of the ``考核表`` of each workbook, for signing: the other sheets are hidden in a
    temporary copy (the input files are never changed)."""
    import openpyxl

    from ..safe import open_package
    from .printing import show_only

    with tempfile.TemporaryDirectory(prefix="kpixl-pdf-") as tmp:
        copies = []
        for f in files:
            open_package(f, str(f)).close()  # the shared guard: no zip bomb, no sheet spanning the grid
            wb = openpyxl.load_workbook(f)
            if sheet not in wb.sheetnames:
                raise LibreOfficeError(f"{Path(f).name}: 没有「{sheet}」工作表 / no {sheet} sheet")
            show_only(wb, (sheet,))
            copy = Path(tmp) / Path(f).name
            wb.save(copy)
            copies.append(copy)
        return to_pdf(copies, outdir)
