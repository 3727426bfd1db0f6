"""Team figures: service level X/Y and abandonment of a call log, under the ICMI variants, and
the team's value of every per-agent figure (totals and properly weighted means)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .options import Options


def team_figures(con: Any, cols: dict[str, str], o: Options) -> dict[str, float]:
    """Service level X/Y and abandonment (team level) under the ICMI variant ``o.abandon_mode``:

    * ``against`` — every abandon is an offered call: SL = within X ÷ (answered + abandons);
    * ``ignore`` — offered = answered: SL = within X ÷ answered;
    * ``short`` — abandons within N seconds of queueing are not offered calls:
      SL = within X ÷ (answered + abandons − short abandons).

    放弃率 = counted abandons ÷ (answered + counted abandons), in every variant. An abandoned
    call always counts, with or without a queue time (a call dropped before the queue has
    none; without a queue time it cannot be a short abandon). An answered call without a queue
    time cannot be judged within X: it is left out of service level (not of abandonment). A log
    without queue times has no service level (blank); without an abandoned column, no team
    figures at all."""
    if "queue_seconds" not in cols and "abandoned" not in cols:
        return {}
    queue = "queue_seconds" if "queue_seconds" in cols else "CAST(NULL AS DOUBLE)"
    row = con.execute(
        f"""SELECT
            count(*) FILTER (WHERE NOT abandoned) AS answered,
            count(*) FILTER (WHERE NOT abandoned AND {queue} IS NOT NULL) AS answered_q,
            count(*) FILTER (WHERE NOT abandoned AND {queue} <= {o.sl_seconds}) AS within,
            count(*) FILTER (WHERE abandoned) AS abandons,
            count(*) FILTER (WHERE abandoned AND {queue} <= {o.short_abandon_seconds}) AS short
        FROM g1 WHERE valid"""
    ).fetchone()
    answered, answered_q, within, abandons, short = (float(v) for v in row)
    counted = abandons - short if o.abandon_mode == "short" else abandons
    offered = answered_q if o.abandon_mode == "ignore" else answered_q + counted
    den = answered + counted
    return {
        "service_level": within / offered if offered and "queue_seconds" in cols else float("nan"),
        "abandon_rate": counted / den if den and "abandoned" in cols else float("nan"),
        "offered": offered,
    }


#: per-agent figure → the per-agent count (or amount) it is a mean or share over: the team's
#: figure is the mean of the agents' weighted by it, which equals Σ numerators ÷ Σ denominators
#: (never a plain mean of the agents' figures)
WEIGHTS = {
    "frt": "frt_n",  # replies counted
    "art": "art_w",  # replies
    "aht": "aht_n",  # handled (calls) or handled sessions with an end time (chats)
    "fcr": "handled",
    "csat": "csat_n",  # rated
    "csat_rate": "handled",
    "nps": "nps_n",  # respondents
    "complaint_rate": "handled",
    "reply_rate": "handled",
    "daily": "days",  # agent-days with a handled session
    "valid_share": "use_n",  # usable sessions
    "asa": "asa_n",  # answered calls with a queue time
    "hold_share": "work_s",  # handling time
    "acw_share": "work_s",
    "occupancy": "staffed_h",  # available time
}
#: per-agent amounts the team figure is the total of
TOTALS = ("handled", "work_h", "staffed_h")


def team_row(per_agent: pd.DataFrame) -> dict[str, float]:
    """The team's figure of every per-agent metric ``per_agent`` holds: totals for counts and
    hours, weighted means (:data:`WEIGHTS`) for the rest; NaN where no agent has the figure."""
    out: dict[str, float] = {"agents": float(len(per_agent))}
    for m in TOTALS:
        if m in per_agent.columns:
            out[m] = float(per_agent[m].sum(min_count=1))
    for m, w in WEIGHTS.items():
        if m not in per_agent.columns or w not in per_agent.columns:
            continue
        v, n = per_agent[m].to_numpy(dtype=float), per_agent[w].to_numpy(dtype=float)
        keep = ~np.isnan(v) & (n > 0)
        out[m] = float((v[keep] * n[keep]).sum() / n[keep].sum()) if keep.any() else float("nan")
    return out
