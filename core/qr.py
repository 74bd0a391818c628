"""QR codes drawn as inline SVG (segno: pure Python, no image files, nothing for the strict
CSP to block): a resident's private link on the receipt page, later registrations' check-in."""

from __future__ import annotations

import segno
from markupsafe import Markup, escape


def qr_svg(data: str, label: str, *, scale: int = 4, micro: bool | None = None) -> Markup:
    """An accessible `<svg role="img">` of `data`, named `label` for screen readers.
    `micro=False` for a short text a phone must scan (a confirmation code): segno would make
    it a Micro QR code, which phones' scanners do not read."""
    qr = segno.make(data, error="m", micro=micro)
    svg = qr.svg_inline(scale=scale, border=2, svgclass="qr-code")
    # segno writes only its own markup; the label is escaped
    labelled = svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1)
    return Markup(labelled)  # noqa: S704
