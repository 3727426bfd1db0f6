"""Columns a mapping builds from the log's own, for exports that do not hold a field as one
column: ``created_at=Date+Time`` (date and time in separate columns), ``abandoned=!Answered``
(a flag with the opposite meaning) and ``abandoned=Outcome:HANG,PHANTOM`` (a flag from
category values). Each becomes a text column of the view ``raw1`` named as written in the
mapping, so that problems name it and show the value it was built from."""

from __future__ import annotations

from ..errors import KpixlError
from .fields import Fields, folded
from .sources import Log, q, s


def derive(src: Log, mapping: dict[str, str]) -> None:
    """Add the derived columns ``mapping`` asks for to ``src`` (as the view ``raw1``). A header
    that itself holds ``+``, ``!`` or ``:`` is taken as it is."""
    exprs: dict[str, str] = {}
    for name in dict.fromkeys(v for v in mapping.values() if v not in src.types):
        built = _combined(name, src.types) or _inverted(name, src.types) or _category(name, src.types)
        if built is not None:
            exprs[name], src.combined[name] = built
    if exprs:
        columns = ", ".join(f"{e} AS {q(n)}" for n, e in exprs.items())
        src.con.execute(f"CREATE TEMP VIEW raw1 AS SELECT *, {columns} FROM raw0")
        src.table = "raw1"
        src.types.update(dict.fromkeys(exprs, "VARCHAR"))


def _need(name: str, parts: list[str], types: dict[str, str]) -> None:
    missing = [p for p in parts if p not in types]
    if missing:
        raise KpixlError(f"日志中没有「{'」「'.join(missing)}」列（映射为 {name}）/ the log has no column {missing[0]!r}")


def _combined(name: str, types: dict[str, str]) -> tuple[str, tuple[str, ...]] | None:
    """``Date+Time``: ``date time`` as text; blank when either part is blank. A date cell gives
    its date, a time (or a timestamp after the first part, as Excel time cells are) its time."""
    if "+" not in name:
        return None
    parts = [p.strip() for p in name.split("+")]
    _need(name, parts, types)
    texts = []
    for i, p in enumerate(parts):
        t = types[p].upper()
        if t.startswith("TIMESTAMP"):
            texts.append(f"strftime({q(p)}, {s('%Y-%m-%d' if i == 0 else '%H:%M:%S')})")
        elif t == "VARCHAR":
            texts.append(f"NULLIF(trim({q(p)}), '')")
        else:
            texts.append(f"CAST({q(p)} AS VARCHAR)")
    nulls = " OR ".join(f"{x} IS NULL" for x in texts)
    return f"CASE WHEN {nulls} THEN NULL ELSE concat_ws(' ', {', '.join(texts)}) END", tuple(parts)


def _inverted(name: str, types: dict[str, str]) -> tuple[str, tuple[str, ...]] | None:
    """``!Answered``: 是 where the column says no, 否 where it says yes; blank stays blank and a
    value that is neither stays as written (and is reported as not a yes/no value)."""
    if not name.startswith("!"):
        return None
    base = name[1:].strip()
    _need(name, [base], types)
    x = Fields({"flag": base}, types)
    flag = x.flag("flag")
    return (
        f"CASE WHEN {x.blank('flag')} THEN NULL WHEN {flag} THEN '否' WHEN NOT {flag} THEN '是' ELSE CAST({q(base)} AS VARCHAR) END",
        (base,),
    )


def _category(name: str, types: dict[str, str]) -> tuple[str, tuple[str, ...]] | None:
    """``Outcome:HANG,PHANTOM``: 是 where the column holds one of the values (compared trimmed
    and lower-cased), 否 for any other value, blank where it is blank."""
    cuts = [i for i, ch in enumerate(name) if ch in ":："]
    base = next((name[:i].strip() for i in reversed(cuts) if name[:i].strip() in types), None)
    if base is None:
        if cuts:
            _need(name, [name[: cuts[0]].strip()], types)
        return None
    values = [v.strip().lower() for v in name[len(base) :].strip()[1:].replace("，", ",").split(",") if v.strip()]
    if not values:
        raise KpixlError(f"映射 {name} 缺少类别值（如 Outcome:HANG）/ expected COLUMN:VALUE[,VALUE]")
    text = f"CAST({q(base)} AS VARCHAR)"
    x = Fields({"flag": base}, types)
    listed = ", ".join(s(v) for v in values)
    return f"CASE WHEN {x.blank('flag')} THEN NULL WHEN {folded(text)} IN ({listed}) THEN '是' ELSE '否' END", (base,)
