"""Team figures of a call log: service level X/Y and abandonment, under the ICMI variants."""

from __future__ import annotations

from typing import Any

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
