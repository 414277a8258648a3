"""Draw docs/assets/roots-of-unity.svg: the 8th roots of unity and what squaring does to them.

The picture is the complex analogy (in Fr the roots are integers, but they behave the same):
ωⁱ sits at angle 2πi/8; ω^(i+4) = −ωⁱ is opposite; squaring sends the 8 roots onto the 4
even ones, which is why an NTT of size n splits into two of size n/2.
Run: python docs/assets/make_roots_figure.py
"""

from __future__ import annotations

import math
from pathlib import Path

SIZE, R, CX, CY = 420, 150, 210, 210


def main() -> None:
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SIZE} {SIZE}" '
        'font-family="sans-serif" font-size="15">',
        f'<circle cx="{CX}" cy="{CY}" r="{R}" fill="none" stroke="#999" stroke-dasharray="4 4"/>',
        f'<line x1="{CX - R - 20}" y1="{CY}" x2="{CX + R + 20}" y2="{CY}" stroke="#ccc"/>',
        f'<line x1="{CX}" y1="{CY - R - 20}" x2="{CX}" y2="{CY + R + 20}" stroke="#ccc"/>',
    ]
    for i in range(8):
        angle = 2 * math.pi * i / 8
        x, y = CX + R * math.cos(angle), CY - R * math.sin(angle)
        # squaring: ωⁱ ↦ ω²ⁱ, drawn as a faint arrow toward the image
        j = 2 * i % 8
        tx, ty = CX + R * math.cos(2 * math.pi * j / 8), CY - R * math.sin(2 * math.pi * j / 8)
        if i % 4:
            parts.append(
                f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{tx:.1f}" y2="{ty:.1f}" '
                'stroke="#7aa6da" stroke-width="1" opacity="0.6"/>'
            )
        colour = "#c0392b" if i % 2 == 0 else "#2c3e50"
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{colour}"/>')
        lx, ly = CX + (R + 32) * math.cos(angle), CY - (R + 32) * math.sin(angle)
        label = ["1", "ω", "ω²", "ω³", "ω⁴", "ω⁵", "ω⁶", "ω⁷"][i]
        parts.append(f'<text x="{lx:.1f}" y="{ly + 5:.1f}" text-anchor="middle">{label}</text>')
    parts.append(
        f'<text x="{CX}" y="{SIZE - 8}" text-anchor="middle" font-size="13" fill="#555">'
        "red: the 4th roots (even powers), the image of squaring; ω⁴ = −1</text>"
    )
    parts.append("</svg>")
    Path(__file__).with_name("roots-of-unity.svg").write_text("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
