"""Server-rendered bar charts: the geometry of an SVG drawn by a template, from (label, value)
pairs. Every chart is shown beside its data table and a sentence that says what it shows, so
that it tells nothing a screen reader user would miss; bars carry their value as text (no
information by colour alone)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    text_x: float
    text_y: float
    label_x: float
    label_y: float
    secondary: bool = False


def nice_ceiling(value: int) -> int:
    """The axis' top: 1, 2 or 5 times a power of ten at or above `value`."""
    if value <= 0:
        return 1
    power = 1
    while power * 10 <= value:
        power *= 10
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def columns(items: list[tuple[str, int]], *, pairs: list[int] | None = None,
            width: int = 720, height: int = 260) -> dict:
    """Vertical bars (months); `pairs` adds a second, paler bar per item (the year before)."""
    top, bottom, left = 20, 40, 44
    plot_w, plot_h = width - left - 10, height - top - bottom
    peak = nice_ceiling(max([v for _, v in items] + (pairs or []) + [0]))
    slot = plot_w / max(1, len(items))
    bars = []
    for index, (label, value) in enumerate(items):
        series = [(value, False)] + ([(pairs[index], True)] if pairs else [])
        bar_w = slot * (0.7 / len(series))
        for offset, (amount, secondary) in enumerate(series):
            bar_h = plot_h * amount / peak
            x = left + index * slot + slot * 0.15 + offset * bar_w
            y = top + plot_h - bar_h
            bars.append(Bar(label=label, value=amount, x=round(x, 1), y=round(y, 1),
                            width=round(bar_w, 1), height=round(bar_h, 1),
                            text_x=round(x + bar_w / 2, 1), text_y=round(y - 4, 1),
                            label_x=round(left + index * slot + slot / 2, 1),
                            label_y=height - bottom + 16, secondary=secondary))
    ticks = [{"value": peak * k // 4, "y": round(top + plot_h - plot_h * k / 4, 1)}
             for k in range(5)]
    return {"kind": "columns", "width": width, "height": height, "bars": bars, "ticks": ticks,
            "left": left, "right": width - 10, "baseline": top + plot_h,
            "show_values": len(items) <= 13 and not pairs}


def rows(items: list[tuple[str, int]], *, width: int = 720, bar_height: int = 22) -> dict:
    """Horizontal bars (channels, units, categories), labels on the left."""
    left, gap = 230, 8
    plot_w = width - left - 60
    peak = nice_ceiling(max([v for _, v in items] + [0]))
    bars = []
    for index, (label, value) in enumerate(items):
        y = gap + index * (bar_height + gap)
        bar_w = plot_w * value / peak
        bars.append(Bar(label=label if len(label) <= 34 else label[:33] + "…", value=value,
                        x=left, y=y, width=round(bar_w, 1), height=bar_height,
                        text_x=round(left + bar_w + 6, 1), text_y=y + bar_height * 0.7,
                        label_x=left - 8, label_y=y + bar_height * 0.7))
    return {"kind": "rows", "width": width, "height": gap + len(items) * (bar_height + gap),
            "bars": bars}
