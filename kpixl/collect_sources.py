"""The files ``collect`` and ``check`` read: paths, folders (searched recursively), globs and zip
archives, each becoming a :class:`Source` that is read only when its turn comes — so memory stays
flat however many forms a folder holds (a file's bytes are dropped once its people are read).

Anything that cannot be listed or read (a broken link, a folder named like a workbook, a locked
or oversized archive member) is one line in the problem list and the rest is still read.
"""

from __future__ import annotations

import glob
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import safe
from .audit import ERROR, Finding
from .errors import FileError
from .safe import TEMP_PREFIX

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


def problem(name: str, message: str) -> Finding:
    """A file-level problem: one line, naming the file."""
    return Finding(ERROR, name, "", "", message)


@dataclass(frozen=True)
class Source:
    """One workbook to read: ``name`` is what a person reads (a path, or ``archive!member``)."""

    name: str
    open: Callable[[], bytes]

    def read(self, problems: list[Finding]) -> bytes | None:
        """The file's bytes, or one line in ``problems``."""
        try:
            return self.open()
        except FileError as exc:
            problems.append(problem(self.name, str(exc)))
        except OSError as exc:
            problems.append(problem(self.name, f"无法读取（{exc.strerror or exc}）/ cannot read the file"))
        return None


def _file(p: Path, problems: list[Finding]) -> Source | None:
    if p.is_symlink() and not p.exists():
        problems.append(problem(str(p), "链接指向不存在的文件，或链接成环 / a dangling or looping symlink"))
        return None
    if p.is_dir():
        problems.append(problem(str(p), "是文件夹，不是 xlsx 文件 / a folder, not an xlsx file"))
        return None
    return Source(str(p), p.read_bytes)


def expand(paths: Iterable[str | Path], problems: list[Finding]) -> list[Source]:
    """The workbooks named by ``paths`` (files, folders, globs, zips), in a stable order."""
    out: list[Source] = []
    for raw in paths:
        text = str(raw)
        matches = sorted(glob.glob(text, recursive=True)) if any(ch in text for ch in "*?[") else [text]
        if not matches:
            problems.append(problem(text, "没有匹配的文件 / nothing matches"))
        for m in matches:
            p = Path(m)
            if p.is_dir() and p.suffix.lower() not in (*WORKBOOK_SUFFIXES, ".zip"):
                for f in sorted(p.rglob("*")):
                    if f.suffix.lower() in WORKBOOK_SUFFIXES and not f.name.startswith(("~$", TEMP_PREFIX)):
                        src = _file(f, problems)
                        if src is not None:
                            out.append(src)
            elif p.is_symlink() and not p.exists():
                problems.append(problem(str(p), "链接指向不存在的文件，或链接成环 / a dangling or looping symlink"))
            elif not p.exists():
                problems.append(problem(str(p), "找不到文件 / file not found"))
            elif p.suffix.lower() == ".zip" and not p.is_dir():
                out += _from_archive(p, problems)
            else:
                src = _file(p, problems)
                if src is not None:
                    out.append(src)
    return out


def _from_archive(path: Path, problems: list[Finding]) -> list[Source]:
    """The workbooks inside a zip archive, each read from it when its turn comes."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError):
        problems.append(problem(str(path), "压缩包已损坏 / corrupt zip archive"))
        return []
    out = []
    total = 0
    for info in infos:
        if info.is_dir() or not info.filename.lower().endswith(WORKBOOK_SUFFIXES):
            continue
        name = f"{path}!{info.filename}"
        total += info.file_size
        if info.file_size > safe.MAX_UNCOMPRESSED or total > 4 * safe.MAX_UNCOMPRESSED:
            problems.append(problem(name, "文件过大（疑似压缩炸弹），已跳过 / too large (zip bomb?), skipped"))
            continue
        if info.flag_bits & 0x1:
            problems.append(problem(name, "压缩包受密码保护，无法读取（请解压后再收集）/ a password-protected archive member"))
            continue
        out.append(Source(name, lambda info=info: _member(path, info)))
    return out


def _member(path: Path, info: zipfile.ZipInfo) -> bytes:
    try:
        with zipfile.ZipFile(path) as z:
            data = z.read(info)
    except (RuntimeError, NotImplementedError, zipfile.BadZipFile, EOFError) as exc:
        raise FileError(f"无法从压缩包中读取（{exc}）/ cannot be read from the archive") from None
    if len(data) > safe.MAX_UNCOMPRESSED:  # the listing lied about the size
        raise FileError("文件过大（疑似压缩炸弹），已跳过 / too large (zip bomb?), skipped")
    return data
