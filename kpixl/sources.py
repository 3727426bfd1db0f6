"""Where a scheme comes from: a built-in id, a YAML file, or a workbook made by ``kpixl build``.

This sits above :mod:`kpixl.scheme` (the model), :mod:`kpixl.scheme_file` (YAML) and
:mod:`kpixl.excel.reader` (a workbook's 指标库), so none of those import each other in a circle.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from .errors import SchemeError
from .scheme import Scheme
from .scheme_file import scheme_from_dict


def load_scheme(source: str | Path) -> Scheme:
    """Load a scheme: a built-in id (``support-center-quarterly``), a path to a YAML file, or a
    workbook made by ``kpixl build`` (its 指标库 and 等级系数 as edited in Excel)."""
    text_source = str(source)
    path = Path(text_source)
    if path.suffix.lower() in (".xlsx", ".xlsm"):  # a generated workbook, as HR edited its 指标库
        if not path.exists():
            raise SchemeError(f"找不到工作簿 {text_source} / workbook not found")
        return read_scheme(path)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        if not path.exists():
            raise SchemeError(f"找不到方案文件 {text_source} / scheme file not found")
        origin = path.name
        raw = path.read_text(encoding="utf-8-sig")
    else:
        return _builtin(text_source)
    return _from_yaml(raw, origin)


@lru_cache(maxsize=32)
def _builtin(sid: str) -> Scheme:
    """A built-in scheme, parsed once (schemes are immutable values)."""
    ids = builtin_ids()
    if sid not in ids:
        raise SchemeError(f"没有内置方案「{sid}」（可用: {', '.join(ids)}）/ no built-in scheme {sid!r}")
    origin = f"{sid}.yaml"
    return _from_yaml(resources.files("kpixl.schemes").joinpath(origin).read_text(encoding="utf-8"), origin)


def _from_yaml(raw: str, origin: str) -> Scheme:
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行" if mark else ""
        raise SchemeError(f"{origin} {where}: YAML 格式错误 / invalid YAML: {exc}") from None
    return scheme_from_dict(data, origin, text=raw)


BUILTIN_ORDER = (
    "support-center-quarterly",
    "kpi-pay-tier",
    "agent-monthly",
    "phone-agent-monthly",
    "supervisor-monthly",
    "service-manager",
    "callcenter-manager",
    "service-staff",
    "online-agent",
)


def builtin_ids() -> list[str]:
    """The built-in scheme ids, in a fixed order (stable: users script against them)."""
    return list(BUILTIN_ORDER)


def read_scheme(path: str | Path, base: Scheme | str | None = None) -> Scheme:
    """The scheme of a workbook made by ``kpixl build``, as HR edited its 指标库 and 等级系数: the
    scheme it carries (or ``base``; a workbook from before schemes were carried: the built-in
    scheme its identifier names) with those values."""
    from .excel.reader import scheme_from_tables, workbook_tables

    tables = workbook_tables(path)
    name = Path(path).name
    if isinstance(base, Scheme):
        scheme = base
    elif base:
        scheme = load_scheme(base)
    else:
        scheme = scheme_of_carried(tables.scheme_text, tables.scheme_id, name)
    return scheme_from_tables(scheme, tables.library, tables.grades, origin=name)


def scheme_of_carried(text: str | None, sid: str, where: str) -> Scheme:
    """The scheme a workbook carries in its 方案 sheet; without one, the built-in scheme ``sid``."""
    if text:
        return _from_yaml(text, f"{where}「方案」")
    return load_scheme(sid)
