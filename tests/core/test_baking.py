"""Baking and unbaking OB 3.0 credentials (and reading OB 2.0 bakes) in PNG and SVG images."""

from __future__ import annotations

import json
import re
import struct
import zlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from credex.core.baking import (
    MAX_IMAGE_BYTES,
    PNG_SIGNATURE,
    Baked,
    bake_png,
    bake_svg,
    sniff_image_format,
    unbake,
)
from credex.core.errors import CoreError, ParsingError

CREDENTIAL: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "id": "urn:uuid:1",
    "type": ["VerifiableCredential", "OpenBadgeCredential"],
    "name": "Café ✓ 徽章",
}
JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL3guZXhhbXBsZSJ9.c2lnbmF0dXJl"
OTHER_JWS = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
SVG_NS = "http://www.w3.org/2000/svg"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    "<!-- badge artwork -->\n"
    f'<svg xmlns="{SVG_NS}" width="10" height="10">\n'
    '  <title>Badge</title><rect width="10" height="10" fill="#123"/>\n'
    "</svg>\n"
)


# --- helpers ---------------------------------------------------------------------------------


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def tiny_png(*extra_chunks: bytes) -> bytes:
    """A valid 1×1 greyscale PNG with optional chunks between IHDR and IDAT."""
    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    pixels = chunk(b"IDAT", zlib.compress(b"\x00\x7f"))
    return PNG_SIGNATURE + header + b"".join(extra_chunks) + pixels + chunk(b"IEND", b"")


def itxt(keyword: bytes, text: str, *, compressed: bool = False) -> bytes:
    payload = zlib.compress(text.encode()) if compressed else text.encode()
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    return chunk(b"iTXt", keyword + b"\x00" + flag + b"\x00\x00" + payload)


def chunks_of(png: bytes) -> list[tuple[bytes, bytes]]:
    found, offset = [], len(PNG_SIGNATURE)
    while offset < len(png):
        (length,) = struct.unpack_from(">I", png, offset)
        found.append((png[offset + 4 : offset + 8], png[offset : offset + 12 + length]))
        offset += 12 + length
    return found


def ob3_chunks(png: bytes) -> list[bytes]:
    return [
        raw for kind, raw in chunks_of(png) if kind == b"iTXt" and b"openbadgecredential" in raw
    ]


# --- PNG -------------------------------------------------------------------------------------


def test_png_round_trip_json() -> None:
    baked = bake_png(tiny_png(), CREDENTIAL)
    assert unbake(baked) == Baked("ob3-json", CREDENTIAL, "png")


def test_png_round_trip_jwt() -> None:
    assert unbake(bake_png(tiny_png(), JWS)) == Baked("ob3-jwt", JWS, "png")


def test_png_chunk_layout_and_other_chunks_kept_byte_identical() -> None:
    comment = chunk(b"tEXt", b"Comment\x00hello")
    original = tiny_png(comment)
    baked = bake_png(original, CREDENTIAL)
    kinds = [kind for kind, _ in chunks_of(baked)]
    assert kinds == [b"IHDR", b"iTXt", b"tEXt", b"IDAT", b"IEND"]
    (ours,) = ob3_chunks(baked)
    expected = json.dumps(CREDENTIAL, ensure_ascii=False, separators=(",", ":")).encode()
    assert ours[8:-4] == b"openbadgecredential\x00\x00\x00\x00\x00" + expected
    assert [raw for _, raw in chunks_of(baked) if raw != ours] == [
        raw for _, raw in chunks_of(original)
    ]


def test_png_rebake_replaces_the_credential() -> None:
    once = bake_png(tiny_png(), CREDENTIAL)
    twice = bake_png(once, JWS)
    assert len(ob3_chunks(twice)) == 1
    assert unbake(twice).value == JWS
    assert bake_png(twice, CREDENTIAL) == once


def test_png_unbake_takes_the_first_credential_chunk() -> None:
    png = tiny_png(itxt(b"openbadgecredential", JWS), itxt(b"openbadgecredential", OTHER_JWS))
    assert unbake(png).value == JWS
    assert len(ob3_chunks(bake_png(png, CREDENTIAL))) == 1


def test_png_unbake_inflates_a_foreign_compressed_chunk() -> None:
    png = tiny_png(itxt(b"openbadgecredential", json.dumps(CREDENTIAL), compressed=True))
    assert unbake(png) == Baked("ob3-json", CREDENTIAL, "png")


def test_png_compressed_bomb_is_refused() -> None:
    bomb = "{" + " " * (MAX_IMAGE_BYTES + 1) + "}"
    png = tiny_png(itxt(b"openbadgecredential", bomb, compressed=True))
    with pytest.raises(ParsingError, match="too large"):
        unbake(png)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (itxt(b"openbadges", '{"uid": "abc"}'), Baked("ob2-assertion", {"uid": "abc"}, "png")),
        (itxt(b"openbadges", JWS), Baked("ob2-assertion", JWS, "png")),
        (
            chunk(b"tEXt", b"openbadges\x00https://issuer.example/assertions/1"),
            Baked("ob2-url", "https://issuer.example/assertions/1", "png"),
        ),
    ],
)
def test_png_ob2_bakes_are_read(extra: bytes, expected: Baked) -> None:
    assert unbake(tiny_png(extra)) == expected


def test_png_ob3_wins_over_ob2() -> None:
    png = tiny_png(itxt(b"openbadges", '{"uid": "abc"}'), itxt(b"openbadgecredential", JWS))
    assert unbake(png) == Baked("ob3-jwt", JWS, "png")


def corrupt_crc(png: bytes) -> bytes:
    index = png.index(b"IDAT") + 5  # a byte of compressed pixel data
    return png[:index] + bytes([png[index] ^ 0xFF]) + png[index + 1 :]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (corrupt_crc, "CRC mismatch in PNG chunk IDAT"),
        (lambda png: png[:-6], "truncated"),
        (lambda png: png[:8] + png[33:], "does not start with IHDR"),
        (lambda png: b"\x89PNX" + png[4:], "not a PNG or SVG"),
        (lambda png: png[:8] + b"\xff\xff\xff\xf0IHDR" + png[16:], "malformed PNG chunk"),
    ],
)
def test_png_damage_is_a_parsing_error(damage: Any, message: str) -> None:
    damaged = damage(bake_png(tiny_png(), CREDENTIAL))
    with pytest.raises(ParsingError, match=message):
        unbake(damaged)


def test_png_corrupt_crc_refused_when_baking() -> None:
    with pytest.raises(ParsingError, match="CRC mismatch"):
        bake_png(corrupt_crc(tiny_png()), CREDENTIAL)


def test_oversized_input_is_refused() -> None:
    with pytest.raises(ParsingError, match="larger than"):
        unbake(PNG_SIGNATURE + bytes(MAX_IMAGE_BYTES))


def test_png_without_credential() -> None:
    with pytest.raises(ParsingError, match="no baked credential"):
        unbake(tiny_png())


def test_string_credential_must_be_a_jws() -> None:
    with pytest.raises(CoreError, match="compact JWS"):
        bake_png(tiny_png(), "https://issuer.example/credential")


# --- SVG -------------------------------------------------------------------------------------


def credential_elements(svg: str) -> list[str]:
    return re.findall(r"<openbadges:credential[\s>]", svg)


def test_svg_round_trip_json() -> None:
    baked = bake_svg(SVG, CREDENTIAL)
    assert unbake(baked.encode()) == Baked("ob3-json", CREDENTIAL, "svg")
    assert 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"' in baked
    start_tag_end = baked.index('height="10"') + len('height="10"')
    after_start_tag = baked[baked.index(">", start_tag_end) + 1 :]
    assert after_start_tag.startswith("<openbadges:credential><![CDATA[{")


def test_svg_round_trip_jwt_uses_the_verify_attribute() -> None:
    baked = bake_svg(SVG.encode(), JWS)
    assert f'<openbadges:credential verify="{JWS}"></openbadges:credential>' in baked
    assert unbake(baked.encode()) == Baked("ob3-jwt", JWS, "svg")


def test_svg_keeps_the_rest_of_the_document() -> None:
    baked = bake_svg(SVG, JWS)
    assert baked.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<!-- badge artwork -->\n')
    assert baked.endswith(
        '\n  <title>Badge</title><rect width="10" height="10" fill="#123"/>\n</svg>\n'
    )


def test_svg_rebake_replaces_the_credential() -> None:
    once = bake_svg(SVG, CREDENTIAL)
    twice = bake_svg(once, JWS)
    assert len(credential_elements(twice)) == 1
    assert twice.count("xmlns:openbadges=") == 1
    assert unbake(twice.encode()).value == JWS
    assert bake_svg(twice, CREDENTIAL) == once


def test_svg_rebake_removes_a_credential_under_another_prefix() -> None:
    element = f'<ob:credential xmlns:ob="{OB3_NS}" verify="{OTHER_JWS}"/>'
    foreign = SVG.replace("<title>", element + "<title>")
    assert unbake(foreign.encode()).value == OTHER_JWS
    baked = bake_svg(foreign, JWS)
    assert "ob:credential" not in baked
    assert unbake(baked.encode()).value == JWS


def test_svg_cdata_terminator_inside_the_json_is_escaped() -> None:
    credential = {**CREDENTIAL, "description": "a]]>b ]]]]> <x>&amp;"}
    baked = bake_svg(SVG, credential)
    assert "a]]]]><![CDATA[>b" in baked
    assert unbake(baked.encode()).value == credential


def test_svg_self_closing_root() -> None:
    baked = bake_svg(f'<svg xmlns="{SVG_NS}"/>', JWS)
    assert baked == (
        f'<svg xmlns="{SVG_NS}" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">'
        f'<openbadges:credential verify="{JWS}"></openbadges:credential></svg>'
    )


OB2_SVG = (
    f'<svg xmlns="{SVG_NS}" xmlns:openbadges="http://openbadges.org">'
    "<openbadges:assertion {attributes}>{content}</openbadges:assertion><circle r='1'/></svg>"
)


@pytest.mark.parametrize(
    ("attributes", "content", "expected"),
    [
        (
            'verify="https://issuer.example/a/1"',
            "",
            Baked("ob2-url", "https://issuer.example/a/1", "svg"),
        ),
        (f'verify="{JWS}"', "", Baked("ob2-assertion", JWS, "svg")),
        (
            'verify="https://issuer.example/a/1"',
            '<![CDATA[{"uid": "abc", "verify": {"type": "hosted"}}]]>',
            Baked("ob2-assertion", {"uid": "abc", "verify": {"type": "hosted"}}, "svg"),
        ),
    ],
)
def test_svg_ob2_bakes_are_read(attributes: str, content: str, expected: Baked) -> None:
    svg = OB2_SVG.format(attributes=attributes, content=content)
    assert unbake(svg.encode()) == expected


def test_svg_baking_over_ob2_rebinds_the_prefix() -> None:
    svg = OB2_SVG.format(attributes='verify="https://issuer.example/a/1"', content="")
    baked = bake_svg(svg, JWS)
    assert "http://openbadges.org" not in baked
    assert "openbadges:assertion" not in baked
    assert "<circle r='1'/>" in baked
    assert unbake(baked.encode()) == Baked("ob3-jwt", JWS, "svg")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE svg [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&lol4;</text></svg>"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&secret;</text></svg>"""


@pytest.mark.parametrize("hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_svg_entities_are_refused_not_expanded(hostile: str) -> None:
    with pytest.raises(ParsingError, match="not safe"):
        unbake(hostile.encode())
    with pytest.raises(ParsingError, match="not safe"):
        bake_svg(hostile, JWS)


def test_svg_with_a_doctype_but_no_entities_is_accepted() -> None:
    svg = SVG.replace(
        "<!-- badge artwork -->",
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">',
    )
    assert unbake(bake_svg(svg, JWS).encode()).value == JWS


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("<svg xmlns='http://www.w3.org/2000/svg'><g></svg>", "well-formed"),
        ("<html><svg xmlns='http://www.w3.org/2000/svg'/></html>", "not <svg>"),
        (SVG, "no baked credential"),
    ],
)
def test_svg_bad_documents(document: str, message: str) -> None:
    with pytest.raises(ParsingError, match=message):
        unbake(document.encode())


def test_svg_that_is_not_utf8() -> None:
    with pytest.raises(ParsingError, match="not UTF-8"):
        unbake(b"<svg xmlns='http://www.w3.org/2000/svg'>\xff</svg>")


# --- sniffing and property tests -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (tiny_png(), "png"),
        (SVG.encode(), "svg"),
        (b"\xef\xbb\xbf  <svg xmlns='http://www.w3.org/2000/svg'/>", "svg"),
        (b"<svg:svg xmlns:svg='http://www.w3.org/2000/svg'/>", "svg"),
        (b"GIF89a", None),
        (b"<html><body/></html>", None),
        (b"", None),
    ],
)
def test_sniff_image_format(data: bytes, expected: str | None) -> None:
    assert sniff_image_format(data) == expected


awkward_text = st.text() | st.builds(lambda a, b: f"{a}]]>{b}", st.text(), st.text())


@settings(max_examples=60, deadline=None)
@given(name=awkward_text, description=st.text(alphabet="]]><&\r\n\ufffe\t x", max_size=20))
def test_any_unicode_credential_round_trips(name: str, description: str) -> None:
    credential = {**CREDENTIAL, "name": name, description: [description]}
    assert unbake(bake_svg(SVG, credential).encode()).value == credential
    assert unbake(bake_png(tiny_png(), credential)).value == credential
