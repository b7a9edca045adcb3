"""Colour contrast (WCAG 2.1): whatever colour a collectivité picks, text on it stays readable."""


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def darken_until_readable(hex_colour: str, on: str = "#ffffff", ratio: float = 4.5) -> str:
    """The colour itself if `on` reads on it at `ratio`, else the nearest darker shade that does."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    for _ in range(256):
        candidate = f"#{r:02x}{g:02x}{b:02x}"
        if contrast(candidate, on) >= ratio:
            return candidate
        r, g, b = (max(0, int(c * 0.95)) for c in (r, g, b))
    return "#000000"
