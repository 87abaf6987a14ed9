"""The picture a credential is baked into: the achievement's own image, or a generated badge.

An achievement image given as a `data:` PNG or SVG is used as is (a PNG also goes, embedded, into
the SVG badge). Anything else (an http(s) URL: never fetched at run time, or an image that does
not parse) gets a generated badge showing the title and the EQF level, in a colour derived from
the achievement id so one course always looks the same. Rendered pictures are cached per
achievement version: exporting a wallet with many copies of one course draws it once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import textwrap
import threading
from functools import lru_cache, partial
from typing import TYPE_CHECKING, TypeAlias
from xml.sax.saxutils import escape, quoteattr

from credex.caching import ExpiringLRU
from credex.core.baking import PNG_SIGNATURE, sniff_image_format
from credex.db.models import Achievement
from credex.web.templating import localized

if TYPE_CHECKING:  # Pillow loads only when a picture is drawn: app start-up stays light
    from PIL import ImageFont


SIZE = 512
_PALETTE = ("#1d4e89", "#00695c", "#6a1b9a", "#ad1457", "#e65100", "#2e7d32", "#37474f", "#4527a0")
_FONT_FILES = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf")
_CACHE_SIZE = 64

FontT: TypeAlias = "ImageFont.FreeTypeFont | ImageFont.ImageFont"


def achievement_title(achievement: Achievement) -> str:
    return localized(achievement.name, achievement.language) or "Achievement"


def _colour(achievement: Achievement) -> str:
    return _PALETTE[hashlib.sha256(achievement.id.bytes).digest()[0] % len(_PALETTE)]


def _eqf_label(achievement: Achievement) -> str:
    return f"EQF {achievement.eqf_level}" if achievement.eqf_level else "Micro-credential"


def _data_image(image: str | None) -> tuple[str, bytes] | None:
    """(`png` | `svg`, bytes) of a base64 `data:` image, when it really is one."""
    if not image or not image.startswith("data:image/"):
        return None
    header, _, payload = image.partition(",")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None
    kind = sniff_image_format(data)
    expected = "png" if header.startswith("data:image/png") else "svg"
    return (kind, data) if kind == expected else None


_cache: ExpiringLRU[tuple[object, ...], bytes] = ExpiringLRU(_CACHE_SIZE)
_draw_lock = threading.Lock()


def badge_png(achievement: Achievement) -> bytes:
    """PNG bytes (not yet baked)."""
    key = (achievement.id, achievement.updated_at, "png")
    return _cache.get_or_make(key, partial(_make_png, achievement))


def badge_svg(achievement: Achievement) -> bytes:
    """SVG document as UTF-8 bytes (not yet baked)."""
    key = (achievement.id, achievement.updated_at, "svg")
    return _cache.get_or_make(key, partial(_make_svg, achievement))


def print_badge_jpeg(achievement: Achievement) -> bytes:
    """The badge for the PDF: 256 px JPEG on white, which fpdf2 embeds without re-encoding
    (a PNG with transparency costs ~60 ms per certificate to split and recompress)."""
    key = (achievement.id, achievement.updated_at, "print")
    return _cache.get_or_make(key, partial(_make_print, achievement))


def _make_print(achievement: Achievement) -> bytes:
    from PIL import Image

    picture = Image.open(io.BytesIO(badge_png(achievement))).convert("RGBA")
    flat = Image.new("RGB", picture.size, "white")
    flat.paste(picture, mask=picture.getchannel("A"))
    flat.thumbnail((256, 256), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    flat.save(output, format="JPEG", quality=85)
    return output.getvalue()


def generated_badge_png(achievement: Achievement) -> bytes:
    title = achievement_title(achievement)
    return generated_png(title, _eqf_label(achievement), _colour(achievement))


def generated_badge_svg(achievement: Achievement) -> bytes:
    title = achievement_title(achievement)
    return generated_svg(title, _eqf_label(achievement), _colour(achievement)).encode()


def _make_png(achievement: Achievement) -> bytes:
    own = _data_image(achievement.image)
    if own and own[0] == "png":
        return own[1]
    return generated_badge_png(achievement)


def _make_svg(achievement: Achievement) -> bytes:
    own = _data_image(achievement.image)
    title = achievement_title(achievement)
    if own and own[0] == "svg":
        return own[1]
    if own and own[0] == "png":
        return _svg_wrapping_png(own[1], title).encode()
    return generated_badge_svg(achievement)


def _title_lines(title: str, width: int = 16, most: int = 4) -> list[str]:
    lines = textwrap.wrap(title, width=width, break_long_words=True) or ["Achievement"]
    if len(lines) > most:
        lines = [
            *lines[: most - 1],
            textwrap.shorten(" ".join(lines[most - 1 :]), width, placeholder="…"),
        ]
    return lines


@lru_cache(maxsize=8)
def _font(size: int) -> FontT:
    from PIL import ImageFont

    for name in _FONT_FILES:
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size)


def generated_png(title: str, label: str, colour: str) -> bytes:
    """A round badge: title in white on the course colour, the EQF level on a ribbon."""
    with _draw_lock:  # the cached FreeType faces are shared; drawing is rare (results cached)
        return _draw_png(title, label, colour)


def _draw_png(title: str, label: str, colour: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=colour, outline="#ffffff", width=10)
    draw.ellipse((34, 34, SIZE - 34, SIZE - 34), outline="#ffffff", width=3)
    lines = _title_lines(title)
    font = _font(38)
    line_height = 46
    top = SIZE // 2 - 40 - (len(lines) * line_height) // 2
    for number, line in enumerate(lines):
        draw.text(
            (SIZE / 2, top + number * line_height), line, font=font, fill="#ffffff", anchor="mt"
        )
    draw.rounded_rectangle((96, 352, SIZE - 96, 412), radius=14, fill="#ffffff")
    draw.text((SIZE / 2, 382), label, font=_font(32), fill=colour, anchor="mm")
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    data = output.getvalue()
    assert data.startswith(PNG_SIGNATURE)
    return data


def generated_svg(title: str, label: str, colour: str) -> str:
    lines = _title_lines(title)
    line_height = 46
    top = SIZE // 2 - 40 - (len(lines) * line_height) // 2 + 34
    texts = "".join(
        f'<text x="256" y="{top + number * line_height}">{escape(line)}</text>'
        for number, line in enumerate(lines)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img" aria-label={quoteattr(f"{title} ({label})")}>'
        f"<title>{escape(title)}</title>"
        f'<circle cx="256" cy="256" r="243" fill="{colour}" stroke="#ffffff" stroke-width="10"/>'
        '<circle cx="256" cy="256" r="222" fill="none" stroke="#ffffff" stroke-width="3"/>'
        '<g fill="#ffffff" font-family="DejaVu Sans, Arial, sans-serif" font-size="38" '
        f'font-weight="bold" text-anchor="middle">{texts}</g>'
        '<rect x="96" y="352" width="320" height="60" rx="14" fill="#ffffff"/>'
        f'<text x="256" y="393" fill="{colour}" font-family="DejaVu Sans, Arial, sans-serif" '
        f'font-size="32" font-weight="bold" text-anchor="middle">{escape(label)}</text>'
        "</svg>"
    )


def _svg_wrapping_png(png: bytes, title: str) -> str:
    from PIL import Image

    width, height = Image.open(io.BytesIO(png)).size
    encoded = base64.b64encode(png).decode("ascii")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(title)}>'
        f"<title>{escape(title)}</title>"
        f'<image width="{width}" height="{height}" href="data:image/png;base64,{encoded}"/>'
        "</svg>"
    )


def generated_badge_png_in(achievement: Achievement, language: str) -> bytes:
    """The generated badge with the title in `language` (one picture per language, e.g. for
    the ELM credential's display parameters)."""
    title = localized(achievement.name, language, achievement.language) or "Achievement"
    key = (achievement.id, achievement.updated_at, "png", language)
    return _cache.get_or_make(
        key, partial(generated_png, title, _eqf_label(achievement), _colour(achievement))
    )
