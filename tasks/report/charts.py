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
            x=alt.X("day:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True)),
            y=alt.Y("sum(articles):Q", title="articles"),
            color=alt.Color("source:N", title="source", sort="-y"),
            opacity=alt.Opacity("dated:N", title="publication date",
                                scale=alt.Scale(domain=[True, False], range=[1.0, 0.45])),
            tooltip=[alt.Tooltip("day:T", format="%d %b %Y"), "source:N", "dated:N",
                     "sum(articles):Q"],
        ).properties(width="container", height=220))
    if data["sections"]:
        add("articles-by-section", _hbar(alt, values(data["sections"]), "section", "articles",
                                         "articles"))
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
    # weeks with a year on the axis ("Mar 2005"); every week a point, 0 where none named them
    week_axis = alt.Axis(format="%b %Y", labelOverlap=True)
    for key, cid in (("people_weeks", "people-timeline"), ("org_weeks", "organisations-timeline")):
        if data[key]:
            add(cid, alt.Chart(values(data[key])).mark_line(point=True).encode(
                x=alt.X("week:T", title="week", axis=week_axis),
                y=alt.Y("articles:Q", title="articles that week"),
                color=alt.Color("identity:N", title=None),
                tooltip=[alt.Tooltip("identity:N"), alt.Tooltip("week:T", format="%d %b %Y"),
                         alt.Tooltip("articles:Q")],
            ).properties(width="container", height=220))
    for key, cid in (("people_sections", "people-by-section"),
                     ("org_sections", "organisations-by-section")):
        if data[key]:
            add(cid, _heatmap(alt, values(data[key]), "identity", "section", "articles",
                              "articles", "purples" if key == "people_sections" else "greens"))
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
    if data["speaker_section"]:
        add("speaker-by-section", _heatmap(alt, values(data["speaker_section"]), "speaker",
                                           "section", "quotes", "quotes", "blues"))
    if data["network"]:
        add("people-network", _network(alt, data["network"]))
    return charts


def _heatmap(alt: Any, data: Any, row: str, column: str, measure: str, title: str,
             scheme: str) -> Any:
    return alt.Chart(data).mark_rect().encode(
        x=alt.X(f"{column}:N", title=None, axis=alt.Axis(labelAngle=-35, labelLimit=160)),
        y=alt.Y(f"{row}:N", title=None, axis=alt.Axis(labelLimit=220)),
        color=alt.Color(f"{measure}:Q", title=title, scale=alt.Scale(scheme=scheme)),
        tooltip=[f"{row}:N", f"{column}:N", f"{measure}:Q"],
    ).properties(width="container")


def _hbar(alt: Any, data: Any, label: str, measure: str, title: str,
          tooltip: list[str] | None = None, colour: str = "#2e4053") -> Any:
    return alt.Chart(data).mark_bar(color=colour).encode(
        y=alt.Y(f"{label}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220)),
        x=alt.X(f"{measure}:Q", title=title),
        tooltip=tooltip or [f"{label}:N", f"{measure}:Q"],
    ).properties(width="container")


def network_layout(edges: list[tuple[str, str, int]], iterations: int = 300
                   ) -> dict[str, tuple[float, float]]:
    """Positions in [0, 1]^2 for the people of a co-occurrence network. Each connected group is
    laid out on its own by Fruchterman and Reingold's force-directed layout (pairs named together
    often pull together, everyone pushes everyone apart), then the groups are packed side by
    side, the largest first, each given room by its size: a pair named apart from the rest no
    longer pushes the main group into a corner. Deterministic (people start on a circle in name
    order), so the same data draws the same picture."""
    nodes = sorted({a for a, _, _ in edges} | {b for _, b, _ in edges})
    if not nodes:
        return {}
    parent = {p: p for p in nodes}

    def root(p: str) -> str:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for a, b, _ in edges:
        parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for p in nodes:
        groups.setdefault(root(p), []).append(p)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), g[0]))
    top = max(w for _, _, w in edges) or 1
    # shelf packing: each group a square of side sqrt(size), in rows as wide as the largest
    # group's square or the square root of everyone, whichever is wider
    width = max(math.sqrt(len(ordered[0])), math.sqrt(len(nodes)))
    pad = 0.35
    placed: dict[str, tuple[float, float]] = {}
    x0 = y0 = row = 0.0
    for group in ordered:
        side = max(math.sqrt(len(group)), 1.0)
        if x0 > 0 and x0 + side > width + 1e-9:
            x0, y0, row = 0.0, y0 + row + pad, 0.0
        members = set(group)
        inner = _force_layout(group, [e for e in edges if e[0] in members], top, iterations)
        for p, (x, y) in inner.items():
            placed[p] = (x0 + x * side, y0 + y * side)
        x0 += side + pad
        row = max(row, side)
    xs = [x for x, _ in placed.values()]
    ys = [y for _, y in placed.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return {p: ((x - min(xs)) / span_x, (y - min(ys)) / span_y) for p, (x, y) in placed.items()}


def _force_layout(nodes: list[str], edges: list[tuple[str, str, int]], top: int,
                  iterations: int) -> dict[str, tuple[float, float]]:
    """One connected group laid out in [0, 1]^2 (see network_layout)."""
    n = len(nodes)
    if n == 1:
        return {nodes[0]: (0.5, 0.5)}
    pos = {p: [0.5 + 0.4 * math.cos(2 * math.pi * k / n), 0.5 + 0.4 * math.sin(2 * math.pi * k / n)]
           for k, p in enumerate(nodes)}
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
    # a fisheye around the median point: the dense core opens up, the few people tied to it by
    # one article move in from the edges that would otherwise squeeze it (distance to its root)
    cx = sorted(x for x, _ in pos.values())[n // 2]
    cy = sorted(y for _, y in pos.values())[n // 2]
    far = max(math.hypot(x - cx, y - cy) for x, y in pos.values()) or 1.0
    for p, (x, y) in pos.items():
        r = math.hypot(x - cx, y - cy)
        if r > 0:
            k = far * math.sqrt(r / far) / r
            pos[p] = [cx + (x - cx) * k, cy + (y - cy) * k]
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return {p: ((x - min(xs)) / span_x, (y - min(ys)) / span_y) for p, (x, y) in pos.items()}


def labelled(pos: dict[str, tuple[float, float]], weight: dict[str, int],
             char_width: float = 0.0075, height: float = 0.04) -> set[str]:
    """The people whose names can be written over the network without covering another's: the
    most connected first, each label (a box above its dot, char_width a character, in the
    layout's units) kept when it overlaps no label kept before; the rest show on hover."""
    boxes: list[tuple[float, float, float, float]] = []
    keep: set[str] = set()
    for p in sorted(pos, key=lambda q: (-weight.get(q, 0), q)):
        x, y = pos[p]
        half = len(p) * char_width / 2
        box = (x - half, y, x + half, y + height)
        if all(box[2] < b[0] or box[0] > b[2] or box[3] < b[1] or box[1] > b[3] for b in boxes):
            boxes.append(box)
            keep.add(p)
    return keep


def _network(alt: Any, rows: list[dict[str, Any]]) -> Any:
    edges = [(r["entity_a"], r["entity_b"], int(r["articles"])) for r in rows]
    pos = network_layout(edges)
    weight: dict[str, int] = {}
    for a, b, w in edges:
        weight[a] = weight.get(a, 0) + w
        weight[b] = weight.get(b, 0) + w
    shown = labelled(pos, weight)
    nodes = [{"person": p, "x": x, "y": y, "together": weight[p],
              "label": p if p in shown else ""} for p, (x, y) in pos.items()]
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
        text="label:N")
    return (lines + dots + labels).properties(width="container", height=480).configure_view(
        strokeWidth=0)
