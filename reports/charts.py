"""Small bar charts drawn as inline SVG on the server: no JavaScript library, readable without colour (each
bar carries its value as text), scalable on a phone. Geometry in a 600 × 240 viewBox."""

from dataclasses import dataclass

WIDTH, HEIGHT, BASELINE = 600, 240, 200


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    x: float
    y: float
    width: float
    height: float
    previous: float | None = None
    previous_x: float | None = None
    previous_y: float | None = None
    previous_height: float | None = None

    @property
    def centre(self) -> float:
        return self.x + self.width / 2

    @property
    def value_y(self) -> float:
        return self.y - 4


def bar_chart(rows: list[dict], *, previous: bool = False) -> list[Bar]:
    """Bars for `rows` ({"label", "value"[, "previous"]}); with `previous`, a second, hatched bar beside each."""
    if not rows:
        return []
    top = max([row["value"] for row in rows] + [row.get("previous") or 0 for row in rows]) or 1
    slot = WIDTH / len(rows)
    width = slot * (0.4 if previous else 0.7)
    result = []
    for index, row in enumerate(rows):
        x = index * slot + slot * 0.1
        height = (BASELINE - 20) * row["value"] / top
        bar = Bar(label=row["label"], value=row["value"], x=x, y=BASELINE - height, width=width, height=height)
        if previous:
            old = row.get("previous") or 0
            old_height = (BASELINE - 20) * old / top
            bar = Bar(
                **{
                    **bar.__dict__,
                    "previous": old,
                    "previous_x": x + width,
                    "previous_y": BASELINE - old_height,
                    "previous_height": old_height,
                }
            )
        result.append(bar)
    return result


# Horizontal bars, for long labels (units, fields): a row of ROW units per bar, the label left, the bar and its value
# right; with `previous`, each row holds this period's bar over last year's, hatched.
ROW, PAIRED_ROW, LABEL_WIDTH, BAR_SPACE = 24, 34, 170, 190  # in a viewBox 400 wide: legible on a phone


@dataclass(frozen=True)
class HBar:
    label: str
    value: float
    y: float
    width: float
    previous: float | None = None
    previous_width: float = 0

    @property
    def text_y(self) -> float:
        return self.y + ROW * 0.65

    @property
    def value_x(self) -> float:
        return LABEL_WIDTH + self.width + 6

    @property
    def previous_y(self) -> float:
        return self.y + 20

    @property
    def previous_text_y(self) -> float:
        return self.previous_y + 9

    @property
    def previous_value_x(self) -> float:
        return LABEL_WIDTH + self.previous_width + 6


@dataclass(frozen=True)
class HChart:
    bars: list[HBar]
    height: int
    left_out: int  # rows not drawn (beyond the limit)
    label_width: int = LABEL_WIDTH
    bar_x: int = LABEL_WIDTH


def hbar_chart(rows: list[dict], *, limit: int = 15, previous: bool = False) -> HChart | None:
    """The `limit` largest rows ({"label", "value"[, "previous"]}) as horizontal bars, largest first; None when all
    are zero. Labels sit left of the bars, one row each, so they never run into each other however many rows."""

    def size(row: dict) -> float:
        return max(row["value"], row.get("previous") or 0) if previous else row["value"]

    rows = sorted((row for row in rows if size(row)), key=lambda row: (-row["value"], -size(row), row["label"]))
    if not rows:
        return None
    shown = rows[:limit]
    top = max(size(row) for row in shown)
    step = PAIRED_ROW if previous else ROW
    bars = [
        HBar(
            label=row["label"],
            value=row["value"],
            y=index * step,
            width=BAR_SPACE * row["value"] / top,
            previous=(row.get("previous") or 0) if previous else None,
            previous_width=BAR_SPACE * (row.get("previous") or 0) / top if previous else 0,
        )
        for index, row in enumerate(shown)
    ]
    return HChart(bars=bars, height=len(bars) * step, left_out=len(rows) - len(shown))
