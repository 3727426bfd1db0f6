"""Problems of a scheme file reported the way an author fixes them: all in one run, each with its
place (``部分[0].指标[1]``) and YAML line, and a pointer at full-width colons, which YAML does
not read as keys."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import yaml

from .errors import SchemeError


class Problems:
    """Every problem of a scheme file in one run, each with its YAML line where the text is known."""

    def __init__(self, origin: str, text: str | None) -> None:
        self.origin = origin
        self.items: list[str] = []
        self.lines = yaml_lines(text) if text else {}

    def attempt(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SchemeError as exc:
            self.items.append(self._located(str(exc)))
            return None

    def _located(self, message: str) -> str:
        where, sep, rest = message.partition(": ")
        path = where.removeprefix(self.origin).lstrip(".")
        while path and path not in self.lines:
            path = path.rpartition(".")[0] if "." in path else path.rpartition("[")[0]
        line = self.lines.get(path) if path else None
        return f"{where}（第{line}行）{sep}{rest}" if line and sep else message

    def raise_if_any(self) -> None:
        if not self.items:
            return
        if len(self.items) == 1:
            raise SchemeError(self.items[0])
        lines = "\n".join(f"  - {m}" for m in self.items)
        raise SchemeError(f"{self.origin}: 方案有 {len(self.items)} 处错误 / {len(self.items)} problems in the scheme\n{lines}")


def yaml_lines(text: str) -> dict[str, int]:
    """1-based line of every mapping key and list item of a YAML text, by its path (``部分[0].指标[1].权重``)."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    out: dict[str, int] = {}

    def walk(node: yaml.Node, path: str) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                sub = f"{path}.{key.value}" if path else str(key.value)
                out.setdefault(sub, key.start_mark.line + 1)
                walk(value, sub)
        elif isinstance(node, yaml.SequenceNode):
            for k, item in enumerate(node.value):
                out.setdefault(f"{path}[{k}]", item.start_mark.line + 1)
                walk(item, f"{path}[{k}]")

    if root is not None:
        walk(root, "")
    return out


_FULLWIDTH_KEY = re.compile(r"^\s*(?:-\s*)?[^\s:：#'\"{}\[\]]+：")


def fullwidth_colon_hint(text: str | None) -> str:
    """Lines where a key is followed by a full-width colon（：）, which YAML does not read as a key."""
    if not text:
        return ""
    lines = [k for k, line in enumerate(text.splitlines(), 1) if _FULLWIDTH_KEY.match(line)]
    if not lines:
        return ""
    where = "、".join(f"第{k}行" for k in lines[:10])
    numbers = ", ".join(map(str, lines[:10]))
    return f"\n  提示：{where}用了全角冒号「：」，YAML 需要半角冒号加空格「: 」/ hint: full-width colon on line(s) {numbers}; use ': '"
