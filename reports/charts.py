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
