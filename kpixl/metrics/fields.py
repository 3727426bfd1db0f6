"""SQL expressions that read each canonical field of a log, chosen by the column's type (text
from a CSV, typed cells from xlsx or Parquet), and mark every value that cannot be read."""

from __future__ import annotations

from .columns import BLANK, FALSE, TIME_FORMATS, TRUE, WS
from .sources import q, s

# the cheap edge test in Fields.trimmed knows these three characters only
assert set(WS) <= {" ", "\t", "\u3000"}, "update Fields.trimmed for the new whitespace"


def folded(c: str) -> str:
    """A text expression compared as :func:`kpixl.vocab.fold` compares words (trimmed, no inner
    spaces, lower case). DuckDB has no NFKC: full-width forms are matched by listing each word's
    full-width twin beside it (:func:`with_full_width`)."""
    return f"lower(replace(replace(trim({c}, {s(WS)}), ' ', ''), '\u3000', ''))"


def with_full_width(words: frozenset[str]) -> frozenset[str]:
    """``words`` and their full-width forms (ＹＥＳ, １), which NFKC folds back to them."""
    twin = {w.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}) for w in words}
    return words | twin


#: number fields that are durations in seconds: they also read ``H:MM:SS``, ``MM:SS``,
#: ``2分30秒`` (``1小时5分``, ``90秒``) and typed time or interval cells
DURATION_KEYS = ("talk_seconds", "hold_seconds", "acw_seconds", "queue_seconds", "avg_reply_seconds")
_CLOCK = r"\d+:[0-5]?\d(:[0-5]?\d)?(\.\d+)?"
_NUM = r"(\d+(?:\.\d+)?)"
_ZH = f"(?:{_NUM}(?:小时|时))?(?:{_NUM}(?:分钟|分))?(?:{_NUM}(?:秒钟|秒))?"


def seconds(text: str) -> str:
    """Seconds in a duration text ``text`` (an SQL expression): a plain number, ``H:MM:SS`` or
    ``MM:SS``, or hours/minutes/seconds in Chinese; NULL for anything else."""
    part = [f"CAST(split_part({text}, ':', {i}) AS DOUBLE)" for i in (1, 2, 3)]
    clock = f"CASE WHEN {text} LIKE '%:%:%' THEN {part[0]} * 3600 + {part[1]} * 60 + {part[2]} ELSE {part[0]} * 60 + {part[1]} END"
    parts = " + ".join(f"coalesce(TRY_CAST(regexp_extract({text}, {s(_ZH)}, {i}) AS DOUBLE), 0) * {unit}" for i, unit in ((1, 3600), (2, 60), (3, 1)))
    return (
        f"CASE WHEN TRY_CAST({text} AS DOUBLE) IS NOT NULL THEN TRY_CAST({text} AS DOUBLE) "
        f"WHEN regexp_full_match({text}, {s(_CLOCK)}) THEN {clock} "
        f"WHEN {text} <> '' AND regexp_full_match({text}, {s(_ZH)}) THEN {parts} END"
    )


def _typed_seconds(c: str, t: str) -> str:
    """Seconds of a typed TIME (an Excel time cell: time since midnight) or INTERVAL cell."""
    if t == "INTERVAL":
        return f"epoch({c})"
    return f"(hour({c}) * 3600 + minute({c}) * 60 + microsecond({c}) / 1e6)"


class Fields:
    """SQL expressions reading each canonical field, chosen by the column's type."""

    def __init__(self, cols: dict[str, str], types: dict[str, str], date_formats: tuple[str, ...] = ()):
        self.cols, self.types = cols, types
        self.ws = s(WS)
        self.date_formats = date_formats  # tried before the ISO forms (--date-format)

    def _type(self, key: str) -> str:
        return self.types[self.cols[key]].upper()

    def _is_text(self, key: str) -> bool:
        return self._type(key) == "VARCHAR"

    def raw(self, key: str) -> str:
        return q(self.cols[key])

    def trimmed(self, key: str) -> str:
        """Text stripped of :data:`WS`; the trim (which copies the string) runs only where needed."""
        c = self.raw(key)
        if not self._is_text(key):
            numeric = any(t in self._type(key) for t in ("DOUBLE", "FLOAT", "DECIMAL"))
            if numeric:  # 1001.0 → 1001: an xlsx 工号 1001 is read as a number
                return f"CASE WHEN {c} = round({c}) THEN CAST(CAST({c} AS BIGINT) AS VARCHAR) ELSE CAST({c} AS VARCHAR) END"
            return f"CAST({c} AS VARCHAR)"
        # cheap tests first: a first byte below "!" (space, tab) or a padded end; the trim
        # (which copies the string) runs only for the values that need it
        edges = f"{c} < '!' OR " + " OR ".join(f"suffix({c}, {s(ch)})" for ch in WS) + f" OR prefix({c}, {s(chr(0x3000))})"
        return f"CASE WHEN {edges} THEN trim({c}, {self.ws}) ELSE {c} END"

    def text(self, key: str) -> str:
        return self.trimmed(key) if key in self.cols else "CAST(NULL AS VARCHAR)"

    def blank(self, key: str) -> str:
        """The raw value is missing or only whitespace."""
        c = self.raw(key)
        if self._is_text(key):
            return f"({c} IS NULL OR {c} = '' OR trim({c}, {self.ws}) = '')"
        return f"({c} IS NULL)"

    def time(self, key: str) -> tuple[str, str]:
        """(timestamp expression, unreadable expression over the timestamp's alias ``__key``)."""
        if key not in self.cols:
            return "CAST(NULL AS TIMESTAMP)", "FALSE"
        c, t = self.raw(key), self._type(key)
        if t.startswith("TIMESTAMP") or t == "DATE":
            return f"CAST({c} AS TIMESTAMP)", "FALSE"
        if t != "VARCHAR":
            return "CAST(NULL AS TIMESTAMP)", f"({c} IS NOT NULL)"
        fmts = "[" + ", ".join(s(f) for f in TIME_FORMATS) + "]"
        # the common ISO form by a fast cast; the other accepted forms (and padded text) by the list
        expr = f"coalesce(TRY_CAST({c} AS TIMESTAMP), try_strptime(trim({c}, {self.ws}), {fmts}))"
        if self.date_formats:  # the export's own date order first
            expr = f"coalesce(try_strptime(trim({c}, {self.ws}), [{', '.join(s(f) for f in self.date_formats)}]), {expr})"
        return expr, f"CASE WHEN __{key} IS NULL THEN NOT {self.blank(key)} ELSE FALSE END"

    def flag(self, key: str) -> str:
        """TRUE / FALSE, NULL when the value is neither a yes nor a no word (blank is "no")."""
        if key not in self.cols:
            return "FALSE"
        c, t = self.raw(key), self._type(key)
        if t == "BOOLEAN":
            return f"coalesce({c}, FALSE)"
        if t != "VARCHAR":
            return f"CASE WHEN {c} = 1 THEN TRUE WHEN {c} IS NULL OR {c} = 0 THEN FALSE END"
        yes = ", ".join(s(v) for v in sorted(TRUE))
        no = ", ".join(s(v) for v in sorted(FALSE | BLANK))
        yes_all = with_full_width(TRUE)
        words = ", ".join(f"{s(v)}: {'true' if v in yes_all else 'false'}" for v in sorted(yes_all | with_full_width(FALSE | BLANK)))
        # the words exports use most, one comparison each; then the full lists; the padded or
        # upper-case rest through one map lookup (a repeated folding would be hoisted by
        # DuckDB and computed for every row)
        return (
            f"CASE WHEN {c} IS NULL THEN FALSE WHEN {c} = '是' THEN TRUE WHEN {c} = '否' THEN FALSE "
            f"WHEN {c} IN ({yes}) THEN TRUE WHEN {c} IN ({no}) THEN FALSE "
            f"ELSE (MAP {{{words}}})[{folded(c)}] END"
        )

    def number(self, key: str) -> tuple[str, str, str]:
        """(inner DOUBLE expression, outer value over the alias ``__key``, outer unreadable test).
        Duration fields (:data:`DURATION_KEYS`) also read clock and Chinese forms (:func:`seconds`)."""
        if key not in self.cols:
            return "CAST(NULL AS DOUBLE)", f"__{key}", "FALSE"
        c, t, v = self.raw(key), self._type(key), f"__{key}"
        finite = f"CASE WHEN isinf({v}) THEN NULL ELSE {v} END"
        if key in DURATION_KEYS and ((t.startswith("TIME") and not t.startswith("TIMESTAMP")) or t == "INTERVAL"):
            return f"CAST({_typed_seconds(c, t)} AS DOUBLE)", v, "FALSE"
        if t == "VARCHAR":
            blank = ", ".join(s(b) for b in sorted(with_full_width(BLANK)))
            expr = f"coalesce(TRY_CAST({c} AS DOUBLE), TRY_CAST(trim({c}, {self.ws}) AS DOUBLE))"
            if key in DURATION_KEYS:
                expr = f"coalesce(TRY_CAST({c} AS DOUBLE), {seconds(f'trim({c}, {self.ws})')})"
            # exact blanks first: the folding fallback runs only for the odd padded value
            bad = f"CASE WHEN {v} IS NOT NULL THEN isinf({v}) WHEN {c} IS NULL OR {c} IN ({blank}) THEN FALSE ELSE NOT {folded(c)} IN ({blank}) END"
            return expr, finite, bad
        if t == "BOOLEAN" or "INT" in t or "DECIMAL" in t:
            return f"CAST({c} AS DOUBLE)", v, "FALSE"
        if any(x in t for x in ("DOUBLE", "FLOAT", "REAL")):
            return f"CAST({c} AS DOUBLE)", finite, f"coalesce(isinf({v}), FALSE)"
        return "CAST(NULL AS DOUBLE)", v, f"({c} IS NOT NULL)"
