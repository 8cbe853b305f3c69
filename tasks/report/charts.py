"""The report's charts as Vega-Lite specs, and the people network's layout.

The specs are written as the plain dictionaries Vega-Lite reads (what Altair's ``to_dict`` made
of the same charts, which a run paid half a second for: the import and the schema checks)."""

from __future__ import annotations

import math
from typing import Any

from tasks.report.data import jsonable

GENDER_COLOURS = {"female": "#c0392b", "male": "#2e86c1", "not said": "#aab7b8"}
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.4.1.json"
VIEW = {"continuousWidth": 300, "continuousHeight": 300}
TYPES = {"N": "nominal", "Q": "quantitative", "T": "temporal", "O": "ordinal"}
_NO_TITLE = object()


def field(shorthand: str, title: Any = _NO_TITLE, **props: Any) -> dict[str, Any]:
    """A field definition from Altair's shorthand: 'day:T', 'sum(articles):Q'; ``title=None``
    says no title (null), as Altair's does; other properties as given (axis, scale, sort ...)."""
    name, kind = shorthand.rsplit(":", 1)
    out: dict[str, Any] = {}
    if name.endswith(")") and "(" in name:
        aggregate, name = name[:-1].split("(", 1)
        out["aggregate"] = aggregate
    out["field"] = name
    out["type"] = TYPES[kind]
    if title is not _NO_TITLE:
        out["title"] = title
    out.update(props)
    return out


def tooltips(items: list[str | dict[str, Any]]) -> list[dict[str, Any]]:
    return [field(t) if isinstance(t, str) else t for t in items]


def spec(rows: list[dict[str, Any]], mark: dict[str, Any], encoding: dict[str, Any],
         **props: Any) -> dict[str, Any]:
    """One chart over rows: its data inline, as the page embeds it."""
    return {"config": {"view": dict(VIEW)}, "data": {"values": jsonable(rows)}, "mark": mark,
            "encoding": encoding, **props, "$schema": SCHEMA}


def chart_specs(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Vega-Lite specs by chart id, for the sections that have data to show."""
    charts: dict[str, dict[str, Any]] = {}
    if data["over_time"]:
        charts["articles-over-time"] = spec(data["over_time"], {"type": "bar"}, {
            "color": field("source:N", title="source", sort="-y"),
            "opacity": field("dated:N", title="publication date",
                             scale={"domain": [True, False], "range": [1.0, 0.45]}),
            "tooltip": tooltips([field("day:T", format="%d %b %Y"), "source:N", "dated:N",
                                 "sum(articles):Q"]),
            "x": field("day:T", title=None, axis={"format": "%b %Y", "labelOverlap": True}),
            "y": field("sum(articles):Q", title="articles"),
        }, height=220, width="container")
    if data["sections"]:
        charts["articles-by-section"] = _hbar(data["sections"], "section", "articles",
                                              "articles")
    if data["languages"]:
        charts["languages"] = _hbar(data["languages"], "language", "articles", "articles")
    if data["files"]:
        charts["files"] = _hbar(data["files"], "status", "files", "files",
                                tooltip=["status:N", "files:Q", "articles:Q"])
    for key, cid, colour in (("people", "top-people", "#5b2c6f"),
                             ("orgs", "top-organisations", "#1e8449")):
        if data[key]:
            charts[cid] = _hbar(data[key], "identity", "articles", "articles",
                                tooltip=["identity:N", "articles:Q", "mentions:Q"],
                                colour=colour)
    # weeks with a year on the axis ("Mar 2005"); every week a point, 0 where none named them
    for key, cid in (("people_weeks", "people-timeline"), ("org_weeks", "organisations-timeline")):
        if data[key]:
            charts[cid] = spec(data[key], {"type": "line", "point": True}, {
                "color": field("identity:N", title=None),
                "tooltip": tooltips(["identity:N", field("week:T", format="%d %b %Y"),
                                     "articles:Q"]),
                "x": field("week:T", title="week", axis={"format": "%b %Y",
                                                         "labelOverlap": True}),
                "y": field("articles:Q", title="articles that week"),
            }, height=220, width="container")
    for key, cid in (("people_sections", "people-by-section"),
                     ("org_sections", "organisations-by-section")):
        if data[key]:
            charts[cid] = _heatmap(data[key], "identity", "section", "articles", "articles",
                                   "purples" if key == "people_sections" else "greens")
    if data["speakers"]:
        charts["top-speakers"] = spec(data["speakers"], {"type": "bar"}, {
            "color": field("gender:N", title="gender (as the articles say)",
                           scale={"domain": list(GENDER_COLOURS),
                                  "range": list(GENDER_COLOURS.values())}),
            "tooltip": tooltips(["speaker:N", "role:N", "organisation:N", "gender:N",
                                 "quotes:Q", "articles:Q", "outlets:Q"]),
            "x": field("quotes:Q", title="quotes"),
            "y": field("speaker:N", sort="-x", title=None),
        }, width="container")
    if data["speaker_source"]:
        charts["speaker-by-source"] = spec(data["speaker_source"], {"type": "rect"}, {
            "color": field("quotes:Q", title="quotes", scale={"scheme": "blues"}),
            "tooltip": tooltips(["speaker:N", "source:N", "quotes:Q", "articles:Q"]),
            "x": field("source:N", title=None, axis={"labelAngle": -35, "labelLimit": 160}),
            "y": field("speaker:N", title=None),
        }, width="container")
    if data["speaker_section"]:
        charts["speaker-by-section"] = _heatmap(data["speaker_section"], "speaker", "section",
                                                "quotes", "quotes", "blues")
    if data["network"]:
        charts["people-network"] = _network(data["network"])
    return charts


def _heatmap(rows: list[dict[str, Any]], row: str, column: str, measure: str, title: str,
             scheme: str) -> dict[str, Any]:
    return spec(rows, {"type": "rect"}, {
        "color": field(f"{measure}:Q", title=title, scale={"scheme": scheme}),
        "tooltip": tooltips([f"{row}:N", f"{column}:N", f"{measure}:Q"]),
        "x": field(f"{column}:N", title=None, axis={"labelAngle": -35, "labelLimit": 160}),
        "y": field(f"{row}:N", title=None, axis={"labelLimit": 220}),
    }, width="container")


def _hbar(rows: list[dict[str, Any]], label: str, measure: str, title: str,
          tooltip: list[str] | None = None, colour: str = "#2e4053") -> dict[str, Any]:
    return spec(rows, {"type": "bar", "color": colour}, {
        "tooltip": tooltips(list(tooltip or [f"{label}:N", f"{measure}:Q"])),
        "x": field(f"{measure}:Q", title=title),
        "y": field(f"{label}:N", sort="-x", title=None, axis={"labelLimit": 220}),
    }, width="container")


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


def _network(rows: list[dict[str, Any]]) -> dict[str, Any]:
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

    def placed() -> dict[str, Any]:
        axis = {"domain": False, "grid": False, "labels": False, "ticks": False, "title": None}
        scale = {"domain": [-0.08, 1.08]}
        return {"x": field("x:Q", axis=axis, scale=scale), "y": field("y:Q", axis=axis,
                                                                      scale=scale)}

    lines = {"data": {"values": links}, "mark": {"type": "rule", "color": "#85929e"},
             "encoding": {**placed(), "x2": {"field": "x2"}, "y2": {"field": "y2"},
                          "strokeWidth": field("articles:Q", scale={"range": [0.5, 6]},
                                               legend=None),
                          "opacity": {"value": 0.6},
                          "tooltip": tooltips(["a:N", "b:N", field(
                              "articles:Q", title="articles naming both")])}}
    dots = {"data": {"values": nodes},
            "mark": {"type": "circle", "color": "#5b2c6f", "opacity": 0.9},
            "encoding": {**placed(),
                         "size": field("together:Q", scale={"range": [60, 600]}, legend=None),
                         "tooltip": tooltips(["person:N", field(
                             "together:Q", title="articles shared with the others")])}}
    labels = {"data": {"values": nodes}, "mark": {"type": "text", "dy": -12, "fontSize": 11},
              "encoding": {**placed(), "text": field("label:N")}}
    return {"config": {"view": {**VIEW, "strokeWidth": 0}}, "layer": [lines, dots, labels],
            "height": 480, "width": "container", "$schema": SCHEMA}
