"""What a log's columns are called and what their values mean: field aliases, the column
mapping, flag and blank words, timestamp forms, and where a row came from (for messages)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import KpixlError
from ..scheme import normalize_header
from ..vocab import BLANK_WORDS, NO_WORDS, NONE_WORDS, YES_WORDS

#: canonical field → headers seen in Chinese and English exports
ALIASES: dict[str, tuple[str, ...]] = {
    "agent": ("客服工号", "工号", "坐席工号", "agent_id", "agent"),
    "agent_name": ("客服姓名", "姓名", "坐席", "agent_name"),
    "session": ("会话ID", "会话编号", "工单号", "通话ID", "session_id", "ticket_id", "call_id"),
    "customer": ("客户ID", "客户编号", "客户", "customer_id", "customer"),
    "created_at": ("会话开始", "开始时间", "创建时间", "来电时间", "created_at", "start_time"),
    "first_reply_at": ("首次回复", "首次回复时间", "first_reply_at"),
    "ended_at": ("结束", "结束时间", "ended_at", "end_time"),
    "resolved": ("是否解决", "已解决", "resolved"),
    "csat": ("满意度评分", "满意度", "csat"),
    "nps": ("推荐评分", "nps_score", "nps"),
    "complaint": ("是否投诉", "投诉", "complaint"),
    "queue_seconds": ("排队时长", "等待时长", "queue_seconds"),
    "abandoned": ("是否放弃", "放弃", "abandoned"),
    "talk_seconds": ("通话时长", "talk_seconds"),
    "hold_seconds": ("保持时长", "hold_seconds"),
    "acw_seconds": ("话后处理时长", "acw_seconds"),
    "replies": ("回复次数", "reply_count", "replies"),
    "avg_reply_seconds": ("平均回复时长", "avg_reply_seconds"),
    "first_reply_by_bot": ("首次回复为机器人", "first_reply_by_bot", "bot_first_reply"),
    "test": ("是否测试", "测试", "is_test", "test"),
}

#: canonical field → headers of an agent presence (login) export, for occupancy
PRESENCE_ALIASES: dict[str, tuple[str, ...]] = {
    "agent": ALIASES["agent"],
    "login_at": ("登录时间", "上线时间", "签入时间", "login_at", "login_time"),
    "logout_at": ("登出时间", "下线时间", "签出时间", "logout_at", "logout_time"),
    "online_seconds": ("在线时长", "登录时长", "签入时长", "online_seconds", "staffed_seconds"),
    "aux_seconds": ("小休时长", "示忙时长", "离席时长", "aux_seconds", "break_seconds"),
    "date": ("日期", "date"),
}

#: timestamp formats accepted in text cells, tried in this order
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d",
)

#: shorthand date orders for ``--date-format``
DATE_ORDERS = {"MDY": "%m/%d/%Y", "DMY": "%d/%m/%Y", "YMD": "%Y/%m/%d"}
#: a date whose day/month order cannot be told from the text alone (1/2/2021, 01-02-2021)
AMBIGUOUS_DATE = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})(?:\D|$)"


def date_formats(date_format: str) -> tuple[str, ...]:
    """The timestamp formats a ``--date-format`` (``%m/%d/%Y`` or ``MDY``) stands for: with any
    of the separators / - . and with or without a time (24-hour or AM/PM)."""
    fmt = DATE_ORDERS.get(date_format.strip().upper(), date_format.strip())
    if "%" not in fmt:
        raise KpixlError(f"--date-format 应如 %m/%d/%Y 或 MDY、DMY，而不是 {date_format!r} / expected a date format like %m/%d/%Y")
    dates = dict.fromkeys(fmt.replace("/", sep) for sep in "/-.")
    if "%H" in fmt or "%I" in fmt:
        return tuple(dates)
    clocks = ("%H:%M:%S", "%H:%M", "%I:%M:%S %p", "%I:%M %p")
    return tuple(f"{d} {c}" for d in dates for c in clocks) + tuple(dates)


#: characters stripped from both ends of every text value: space, tab (exports put one before
#: long ids so that Excel keeps them as text) and the full-width space
WS = " \t\u3000"

# Flag (yes/no) columns read the input vocabulary of :mod:`kpixl.vocab` plus the words that
# only a log's flag columns hold. A blank flag is "no"; a word in neither set is unreadable.
#: metric-only yes words: the flag column's own name written as its value (已解决, 放弃, 投诉)
#: and the forms exports write for booleans (``t``, ``1.0``)
METRIC_YES = frozenset({"已解决", "解决", "放弃", "投诉", "t", "1.0"})
#: metric-only no words
METRIC_NO = frozenset({"未解决", "f", "0.0"})
#: values that mean "no value" in a number column besides the blank words: a CSAT of 未评价,
#: 未评分 or 无 is not rated (not unreadable, and never 0)
METRIC_BLANK = frozenset({"未评价", "未评分", "无"})

TRUE = YES_WORDS | METRIC_YES
FALSE = NO_WORDS | NONE_WORDS | METRIC_NO
#: blank in a flag column (read as "no") and in a number column (missing)
BLANK = BLANK_WORDS | METRIC_BLANK
assert not TRUE & (FALSE | BLANK), "a flag word cannot mean both yes and no"

#: customer ids that stand for "unknown customer" in exports: never a repeat of each other for
#: FCR (more can be given with ``Options.placeholder_customers``); compared trimmed, lower-cased
PLACEHOLDER_CUSTOMERS = BLANK_WORDS | NONE_WORDS | frozenset({"0", "匿名", "匿名用户", "游客", "访客", "unknown", "anonymous", "guest"})

#: the order problems are reported in: times, flag columns, then number columns
TIME_KEYS = ("created_at", "first_reply_at", "ended_at")
FLAG_KEYS = ("abandoned", "test", "resolved", "complaint", "first_reply_by_bot")
NUMBER_KEYS = ("csat", "nps", "replies", "avg_reply_seconds", "talk_seconds", "hold_seconds", "acw_seconds", "queue_seconds")
TEXT_KEYS = ("agent", "agent_name", "session", "customer")
#: problems of one kind listed per run (the count of excluded rows is always complete)
MAX_LISTED = 200


def load_mapping(path: str | Path) -> dict[str, str]:
    """A column mapping file: YAML ``字段: 表头`` lines (``agent: 坐席编号``). An inverted flag
    may be written unquoted (``abandoned: !Answered (Y/N)``), though YAML reads ``!`` as a tag."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def inverted(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> str:
        value = loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else ""
        return f"!{suffix} {value}".strip()

    Loader.add_multi_constructor("!", inverted)
    p = Path(path)
    try:
        data = yaml.load(p.read_text(encoding="utf-8-sig"), Loader=Loader)  # Loader is a SafeLoader
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise KpixlError(f"{p.name}: 无法读取列映射（{exc}）/ cannot read the mapping file") from None
    if not isinstance(data, dict) or not all(isinstance(v, (str, int)) for v in data.values()):
        raise KpixlError(f"{p.name}: 列映射应为「字段: 表头」的 YAML，如 agent: 坐席编号 / expected FIELD: HEADER lines")
    return {str(k): str(v) for k, v in data.items()}


def find_columns(columns: list[str], mapping: dict[str, str], fields: dict[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Canonical field → the column holding it: ``mapping`` first, then the first alias present."""
    fields = ALIASES if fields is None else fields
    unknown = sorted(set(mapping) - set(fields))
    if unknown:
        raise KpixlError(f"未知的字段 {'、'.join(unknown)}（可用：{', '.join(fields)}）/ unknown field in the column mapping")
    # a column mapped to one field is not taken by another field's alias (``--map agent=坐席``
    # must not make 坐席, an alias of agent_name, the agents' names as well)
    taken = set(mapping.values())
    norm = {normalize_header(c).lower(): c for c in columns if c not in taken}
    found = {}
    for key, aliases in fields.items():
        if key in mapping:
            if mapping[key] not in columns:
                raise KpixlError(f"日志中没有「{mapping[key]}」列（映射给 {key}）/ the log has no column {mapping[key]!r}")
            found[key] = mapping[key]
            continue
        for a in aliases:
            if a.lower() in norm:
                found[key] = norm[a.lower()]
                break
    return found


def require(cols: dict[str, str], keys: tuple[str, ...] = ("agent", "created_at")) -> None:
    """The one message for a log without a column every metric needs."""
    for need in keys:
        if need not in cols:
            raise KpixlError(f"日志缺少「{ALIASES[need][0]}」列（或 {ALIASES[need][-2]}）/ the log needs a {need} column")


@dataclass(frozen=True)
class Origin:
    """Where rows came from, so a problem names its file and line: ``rows`` rows of ``name``,
    the first on line ``first`` (CSV/xlsx, header on line 1) or numbered as records (Parquet)."""

    name: str
    rows: int
    first: int = 2
    records: bool = False


def shown(value: object) -> str:
    """A cell value in a problem message: text quoted, numbers plain (numpy scalars unwrapped)."""
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return repr(value) if isinstance(value, str) else str(value)


def locator(origins: list[Origin] | None, first_line: int = 2) -> Callable[[int], str]:
    """A function from a row's position in the concatenated log to 「file 第N行」."""
    if not origins:
        return lambda i: f"第{i + first_line}行"
    starts = [0]
    for o in origins:
        starts.append(starts[-1] + o.rows)

    def where(i: int) -> str:
        k = max(j for j in range(len(origins)) if starts[j] <= i)
        o = origins[k]
        local = i - starts[k]
        label = f"第{local + 1}条记录" if o.records else f"第{local + o.first}行"
        return f"{o.name} {label}" if len(origins) > 1 else label

    return where
