"""KPI metrics per agent from a session log (one row per chat session or call), into a roster.

One engine, DuckDB, for every size (imported only when metrics are computed, so that
``import kpixl`` stays fast and works where DuckDB is missing). Definitions (each documented
in docs/metrics.md with its formula and switches):

* 接待量 handled — valid sessions an agent served: not test, not a repeated session id,
  not abandoned. 有效服务占比 = valid sessions ÷ all sessions in the period.
* FRT 首次响应时间 — mean of (first_reply_at − created_at) in seconds over handled sessions
  (or in business seconds, :class:`BusinessHours`); replies marked as a bot's are excluded.
* ART 平均响应时长 — Σ(avg_reply_seconds × replies) ÷ Σ replies (per-exchange average).
* AHT — calls: (talk + hold + after-call work) ÷ handled; chats (no talk column): the mean
  session length, ended − created (labelled 会话时长均值).
* FCR 一次解决率 — resolved sessions with no contact from the same customer within the repeat
  window (72 h by default) ÷ handled (not ÷ resolved).
* CSAT 客户满意度 — top-2-box (4 or 5 on a 5-point scale) ÷ rated, or the mean score
  (``csat="mean"``); 评价率 = rated ÷ handled is reported beside it.
* NPS — (promoters 9–10 − detractors 0–6) ÷ respondents × 100.
* 投诉率 — complaints ÷ handled.  回复率 — sessions with an agent reply ÷ sessions received.
* 服务水平 X/Y and 放弃率 (team level) — see :func:`kpixl.metrics.team.team_figures`.
* 日均接待量 — handled ÷ days the agent worked (days with at least one session).
* 占用率 — handling time ÷ available time from presence files (:mod:`.presence`).

A session belongs to the period in which it was created (a chat spanning midnight or the
period's end counts where it began).

A metric whose source column the log lacks is blank, never 0 (``MetricsResult.no_source``).

Modules: ``columns`` (aliases, mapping, flag/blank words, date formats, row locations),
``calendar`` (periods, business hours), ``options`` (switches and the result), ``sources``
(files and tables into DuckDB), ``derived`` (Date+Time, inverted and category flags),
``fields`` (SQL that reads each field), ``sql`` (the query), ``team`` (service level,
abandonment, the team's weighted figures), ``presence`` (occupancy), ``names`` (姓名 from
the log or the roster), ``formulas`` (each formula in words, for 口径),
``report`` (roster and sheets), ``run`` (one command-line run).
"""

from __future__ import annotations

from .calendar import BusinessHours, period_bounds
from .columns import ALIASES, PRESENCE_ALIASES, Origin, load_mapping
from .options import AHT_CALLS, AHT_SESSIONS, MetricsResult, Options
from .presence import add_occupancy, staffed_seconds
from .report import FEEDS, LABELS, settings_sheet, to_roster
from .run import Request, RunResult, run
from .sql import compute

__all__ = [
    "AHT_CALLS",
    "AHT_SESSIONS",
    "ALIASES",
    "FEEDS",
    "LABELS",
    "PRESENCE_ALIASES",
    "BusinessHours",
    "MetricsResult",
    "Options",
    "Origin",
    "Request",
    "RunResult",
    "add_occupancy",
    "compute",
    "load_mapping",
    "period_bounds",
    "run",
    "settings_sheet",
    "staffed_seconds",
    "to_roster",
]
