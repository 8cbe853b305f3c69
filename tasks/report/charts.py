"""The report's charts as Vega-Lite specs (Altair), and the people network's layout."""

from __future__ import annotations

import math
from typing import Any

from tasks.report.data import jsonable

GENDER_COLOURS = {"female": "#c0392b", "male": "#2e86c1", "not said": "#aab7b8"}


def chart_specs(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Vega-Lite specs by chart id, for the sections that have data to show."""
    import altair as alt

    alt.data_transformers.disable_max_rows()
    charts: dict[str, dict[str, Any]] = {}

    def add(cid: str, chart: Any) -> None:
        charts[cid] = chart.to_dict()

    def values(rows: list[dict[str, Any]]) -> Any:
        return alt.Data(values=jsonable(rows))

    if data["over_time"]:
        add("articles-over-time", alt.Chart(values(data["over_time"])).mark_bar().encode(
            x=alt.X("day:T", title=None),
            y=alt.Y("sum(articles):Q", title="articles"),
            color=alt.Color("source:N", title="source", sort="-y"),
            opacity=alt.Opacity("dated:N", title="publication date",
                                scale=alt.Scale(domain=[True, False], range=[1.0, 0.45])),
            tooltip=["day:T", "source:N", "dated:N", "sum(articles):Q"],
        ).properties(width="container", height=220))
    if data["languages"]:
        add("languages", _hbar(alt, values(data["languages"]), "language", "articles",
                               "articles"))
    if data["files"]:
        add("files", _hbar(alt, values(data["files"]), "status", "files", "files",
                           tooltip=["status:N", "files:Q", "articles:Q"]))
    for key, cid, colour in (("people", "top-people", "#5b2c6f"),
                             ("orgs", "top-organisations", "#1e8449")):
        if data[key]:
            add(cid, _hbar(alt, values(data[key]), "identity", "articles", "articles",
                           tooltip=["identity:N", "articles:Q", "mentions:Q"], colour=colour))
    for key, cid in (("people_weeks", "people-timeline"), ("org_weeks", "organisations-timeline")):
        if data[key]:
            add(cid, alt.Chart(values(data[key])).mark_line(point=True).encode(
                x=alt.X("week:T", title="week"),
                y=alt.Y("articles:Q", title="articles that week"),
                color=alt.Color("identity:N", title=None),
                tooltip=["identity:N", "week:T", "articles:Q"],
            ).properties(width="container", height=220))
    if data["speakers"]:
        add("top-speakers", alt.Chart(values(data["speakers"])).mark_bar().encode(
            y=alt.Y("speaker:N", sort="-x", title=None),
            x=alt.X("quotes:Q", title="quotes"),
            color=alt.Color("gender:N", title="gender (as the articles say)",
                            scale=alt.Scale(domain=list(GENDER_COLOURS),
                                            range=list(GENDER_COLOURS.values()))),
            tooltip=["speaker:N", "role:N", "organisation:N", "gender:N", "quotes:Q",
                     "articles:Q", "outlets:Q"],
        ).properties(width="container"))
    if data["speaker_source"]:
        add("speaker-by-source", alt.Chart(values(data["speaker_source"])).mark_rect().encode(
            x=alt.X("source:N", title=None, axis=alt.Axis(labelAngle=-35, labelLimit=160)),
            y=alt.Y("speaker:N", title=None),
            color=alt.Color("quotes:Q", title="quotes", scale=alt.Scale(scheme="blues")),
            tooltip=["speaker:N", "source:N", "quotes:Q", "articles:Q"],
        ).properties(width="container"))
    if data["network"]:
        add("people-network", _network(alt, data["network"]))
    return charts


def _hbar(alt: Any, data: Any, label: str, measure: str, title: str,
          tooltip: list[str] | None = None, colour: str = "#2e4053") -> Any:
    return alt.Chart(data).mark_bar(color=colour).encode(
        y=alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X(f"{measure}:Q", title=title),
        tooltip=tooltip or [f"{label}:N", f"{measure}:Q"],
    ).properties(width="container")


def network_layout(edges: list[tuple[str, str, int]], iterations: int = 300
                   ) -> dict[str, tuple[float, float]]:
    """Positions in [0, 1]^2 for the people of a co-occurrence network, by Fruchterman and
    Reingold's force-directed layout: pairs named together often pull together, everyone pushes
    everyone apart. Deterministic (people start on a circle in name order), so the same data
    draws the same picture."""
    nodes = sorted({a for a, _, _ in edges} | {b for _, b, _ in edges})
    n = len(nodes)
    if n == 0:
        return {}
    pos = {p: [0.5 + 0.4 * math.cos(2 * math.pi * k / n), 0.5 + 0.4 * math.sin(2 * math.pi * k / n)]
           for k, p in enumerate(nodes)}
    top = max(w for _, _, w in edges) or 1
    ideal = math.sqrt(1.0 / n)
    heat = 0.1
    for _ in range(iterations):
        move = {p: [0.0, 0.0] for p in nodes}
        for i, a in enumerate(nodes):
            for b in nodes[i + 1:]:
                dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
                d = math.hypot(dx, dy) or 1e-6
                f = ideal * ideal / d
                move[a][0] += dx / d * f
                move[a][1] += dy / d * f
                move[b][0] -= dx / d * f
                move[b][1] -= dy / d * f
        for a, b, w in edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            d = math.hypot(dx, dy) or 1e-6
            f = d * d / ideal * (0.5 + w / top)
            move[a][0] -= dx / d * f
            move[a][1] -= dy / d * f
            move[b][0] += dx / d * f
            move[b][1] += dy / d * f
        for p in nodes:
            dx, dy = move[p]
            d = math.hypot(dx, dy) or 1e-6
            step = min(d, heat)
            pos[p][0] += dx / d * step
            pos[p][1] += dy / d * step
        heat *= 0.98
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return {p: ((x - min(xs)) / span_x, (y - min(ys)) / span_y) for p, (x, y) in pos.items()}


def _network(alt: Any, rows: list[dict[str, Any]]) -> Any:
    edges = [(r["entity_a"], r["entity_b"], int(r["articles"])) for r in rows]
    pos = network_layout(edges)
    weight: dict[str, int] = {}
    for a, b, w in edges:
        weight[a] = weight.get(a, 0) + w
        weight[b] = weight.get(b, 0) + w
    nodes = [{"person": p, "x": x, "y": y, "together": weight[p]} for p, (x, y) in pos.items()]
    links = [{"a": a, "b": b, "articles": w, "x": pos[a][0], "y": pos[a][1], "x2": pos[b][0],
              "y2": pos[b][1]} for a, b, w in edges]
    axis = alt.Axis(labels=False, ticks=False, grid=False, domain=False, title=None)
    scale = alt.Scale(domain=[-0.08, 1.08])
    lines = alt.Chart(alt.Data(values=links)).mark_rule(color="#85929e").encode(
        x=alt.X("x:Q", axis=axis, scale=scale), y=alt.Y("y:Q", axis=axis, scale=scale),
        x2="x2:Q", y2="y2:Q",
        strokeWidth=alt.StrokeWidth("articles:Q", scale=alt.Scale(range=[0.5, 6]), legend=None),
        opacity=alt.value(0.6),
        tooltip=["a:N", "b:N", alt.Tooltip("articles:Q", title="articles naming both")])
    dots = alt.Chart(alt.Data(values=nodes)).mark_circle(color="#5b2c6f", opacity=0.9).encode(
        x=alt.X("x:Q", axis=axis, scale=scale), y=alt.Y("y:Q", axis=axis, scale=scale),
        size=alt.Size("together:Q", scale=alt.Scale(range=[60, 600]), legend=None),
        tooltip=["person:N", alt.Tooltip("together:Q", title="articles shared with the others")])
    labels = alt.Chart(alt.Data(values=nodes)).mark_text(dy=-12, fontSize=11).encode(
        x=alt.X("x:Q", axis=axis, scale=scale), y=alt.Y("y:Q", axis=axis, scale=scale),
        text="person:N")
    return (lines + dots + labels).properties(width="container", height=480).configure_view(
        strokeWidth=0)
