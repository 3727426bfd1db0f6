"""The xlwings Lite route: a pure-Python wheel that carries the add-in module, and a kpixl
that imports without the compiled python-calamine (not available in Pyodide)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_is_pure_python_and_carries_the_addin(tmp_path):
    r = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    (wheel,) = tmp_path.glob("kpixl-*.whl")
    assert wheel.name.endswith("-py3-none-any.whl")  # what Pyodide's micropip can install
    names = zipfile.ZipFile(wheel).namelist()
    assert "kpixl_udfs.py" in names and "kpixl/addin.py" in names
    assert "kpixl/schemes/support-center-quarterly.yaml" in names
    meta = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("METADATA"))).decode()
    assert "python-calamine>=0.2; sys_platform != 'emscripten'" in meta  # not asked for in Pyodide


def test_addin_works_without_python_calamine():
    code = (
        "import sys; sys.modules['python_calamine'] = None\n"
        "import kpixl_udfs\n"
        "from kpixl import addin\n"
        "assert addin.kpi_score(28, '≤30秒(5分);30-60秒(3分);>60秒(1分)') == 5\n"
        "out = addin.kpi_team([['工号','姓名','服务规范度','问题解决能力','平均响应时长','一次解决率','客户满意度','投诉率','跨部门协作响应速度'],"
        "['E1','甲',5,5,20,0.95,0.95,0,10]], 'support-center-quarterly')\n"
        "assert out[1][out[0].index('总分')] == 100, out\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT / "udfs")
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


def test_lite_main_imports_every_function_and_script():
    text = (ROOT / "lite" / "main.py").read_text(encoding="utf-8")
    assert "from kpixl_udfs import *" in text
    reqs = (ROOT / "lite" / "requirements.txt").read_text(encoding="utf-8")
    assert ".whl" in reqs and "pandas" in reqs and "python-calamine" not in reqs
