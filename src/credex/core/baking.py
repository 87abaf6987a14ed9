"""Baking: embed a credential in a PNG or SVG badge image, and read it back.

OB 3.0 §"Badge Baking" (https://www.imsglobal.org/spec/ob/v3p0/#baking); OB 2.0 baking for import.
- PNG: one uncompressed `iTXt` chunk, keyword `openbadgecredential`, right after IHDR. The chunk
  splice is written by hand with `struct` + `zlib.crc32` instead of an image library, so every
  other chunk (and so the picture) stays byte-identical.
- SVG: `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"` on `<svg>` and one
  `<openbadges:credential>` directly after its start tag: `verify="<JWS>"` for a VC-JWT, or the
  JSON in CDATA. The document is edited as text (comments, prefixes and layout are kept) after it
  has been checked with defusedxml, which refuses entity declarations (billion laughs) and
  external entities.
Re-baking replaces the credential; inputs over `MAX_IMAGE_BYTES` are refused.
"""

from __future__ import annotations

import json
import re
import struct
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_xml_safely

from credex.core.credentials.lexical import is_compact_jws
from credex.core.errors import CoreError, ParsingError
from credex.core.strict_json import loads_strict

MAX_IMAGE_BYTES = 10 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB3_PNG_KEYWORD = b"openbadgecredential"
OB2_PNG_KEYWORD = b"openbadges"
OB3_SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_SVG_NAMESPACE = "http://openbadges.org"

BakedKind = Literal["ob3-json", "ob3-jwt", "ob2-assertion", "ob2-url"]
ImageFormat = Literal["png", "svg"]


@dataclass(frozen=True)
class Baked:
    """What an image carried: OB 3.0 JSON or VC-JWT, an OB 2.0 assertion (JSON or JWS) or URL."""

    kind: BakedKind
    value: dict[str, Any] | str
    image_format: ImageFormat


def sniff_image_format(data: bytes) -> ImageFormat | None:
    """`png` by signature, `svg` when an `<svg` element starts early in XML text, else None."""
    if data.startswith(PNG_SIGNATURE):
        return "png"
    head = data[:65536].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<") and re.search(rb"<(?:[A-Za-z_][\w.-]*:)?svg[\s>/]", head):
        return "svg"
    return None


def bake_png(png: bytes, credential: Mapping[str, Any] | str) -> bytes:
    """`png` with the credential (dict → compact JSON, str → compact JWS) in an iTXt chunk."""
    text = _credential_text(credential).encode("utf-8")
    chunk_data = OB3_PNG_KEYWORD + b"\0\0\0\0\0" + text  # flags 0/0, empty language/translation
    new_chunk = _png_chunk(b"iTXt", chunk_data)
    chunks = [chunk.raw for chunk in _read_png(png) if not _is_ob3_chunk(chunk)]
    return PNG_SIGNATURE + chunks[0] + new_chunk + b"".join(chunks[1:])


def bake_svg(svg: str | bytes, credential: Mapping[str, Any] | str) -> str:
    """`svg` with one `<openbadges:credential>` (replacing any earlier OB 3.0/2.0 one).

    An OB 2.0 `<openbadges:assertion>` is removed too: the `openbadges` prefix must now name the
    OB 3.0 namespace, and the old assertion is stale.
    """
    text = _svg_text(svg)
    _parse_svg(text)
    layout = _svg_layout(text)
    token = _credential_text(credential)
    if is_compact_jws(token):
        element = f'<openbadges:credential verify="{token}"></openbadges:credential>'
    else:
        # "]]>" cannot occur inside CDATA: close the section between "]]" and ">" and reopen.
        cdata = token.replace("]]>", "]]]]><![CDATA[>")
        element = f"<openbadges:credential><![CDATA[{cdata}]]></openbadges:credential>"
    start_tag = _declare_ob3_prefix(text[layout.root_start : layout.root_end])
    if layout.self_closing:
        start_tag = start_tag.removesuffix("/>").rstrip() + ">"
        element += f"</{layout.root_name}>"
    pieces = [text[: layout.root_start], start_tag, element]
    cursor = layout.root_end
    for start, end in layout.badges:
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])
    baked = "".join(pieces)
    _parse_svg(baked)
    return baked


def unbake(data: bytes) -> Baked:
    """The credential baked into a PNG or SVG: the FIRST OB 3.0 one, else an OB 2.0 one."""
    _check_size(len(data))
    image_format = sniff_image_format(data)
    if image_format == "png":
        return _unbake_png(data)
    if image_format == "svg":
        return _unbake_svg(_svg_text(data))
    raise ParsingError("not a PNG or SVG image")


# --- credential text ---------------------------------------------------------------------------

# Characters XML 1.0 forbids (JSON already escapes the C0 controls); written as JSON \u escapes.
_XML_FORBIDDEN = re.compile(r"[\ud800-\udfff\ufffe\uffff]")


def _credential_text(credential: Mapping[str, Any] | str) -> str:
    if isinstance(credential, str):
        token = credential.strip()
        if not is_compact_jws(token):
            raise CoreError(
                "a string credential must be a compact JWS", code="MALFORMED_VALUE_ERROR"
            )
        return token
    try:
        text = json.dumps(credential, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise CoreError(f"credential is not JSON: {exc}", code="MALFORMED_VALUE_ERROR") from exc
    return _XML_FORBIDDEN.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _classify(text: str, *, ob3: bool, image_format: ImageFormat) -> Baked:
    token = text.strip()
    if token.startswith("{"):
        try:
            value = loads_strict(token)
        except ValueError as exc:
            raise ParsingError("the JSON inside the image is malformed") from exc
        if not isinstance(value, dict):
            raise ParsingError("baked JSON is not an object")
        return Baked("ob3-json" if ob3 else "ob2-assertion", value, image_format)
    if is_compact_jws(token):
        return Baked("ob3-jwt" if ob3 else "ob2-assertion", token, image_format)
    if not ob3 and re.fullmatch(r"https?://\S+", token):
        return Baked("ob2-url", token, image_format)
    raise ParsingError("baked data is neither JSON, a compact JWS nor (OB 2.0) a URL")


def _check_size(size: int) -> None:
    if size > MAX_IMAGE_BYTES:
        raise ParsingError(f"image larger than {MAX_IMAGE_BYTES} bytes")


# --- PNG (ISO/IEC 15948 §5.3 chunk layout, §11.3.4.5 iTXt) -------------------------------------


@dataclass(frozen=True)
class _Chunk:
    kind: bytes
    data: bytes
    raw: bytes = field(repr=False)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _read_png(png: bytes) -> list[_Chunk]:
    """Chunks up to IEND, each length-, type- and CRC-checked; bytes after IEND are dropped."""
    _check_size(len(png))
    if not png.startswith(PNG_SIGNATURE):
        raise ParsingError("not a PNG (bad signature)")
    chunks: list[_Chunk] = []
    offset = len(PNG_SIGNATURE)
    while True:
        if offset + 12 > len(png):
            raise ParsingError("PNG is truncated (no IEND chunk)")
        length, kind = struct.unpack_from(">I4s", png, offset)
        end = offset + 12 + length
        if length > 0x7FFFFFFF or end > len(png) or not kind.isalpha():
            raise ParsingError(f"malformed PNG chunk at byte {offset}")
        data = png[offset + 8 : end - 4]
        if zlib.crc32(kind + data) != struct.unpack_from(">I", png, end - 4)[0]:
            raise ParsingError(f"CRC mismatch in PNG chunk {kind.decode('ascii')} at byte {offset}")
        if not chunks and kind != b"IHDR":
            raise ParsingError("PNG does not start with IHDR")
        chunks.append(_Chunk(kind, data, png[offset:end]))
        offset = end
        if kind == b"IEND":
            return chunks


def _is_ob3_chunk(chunk: _Chunk) -> bool:
    return chunk.kind == b"iTXt" and chunk.data.split(b"\0", 1)[0] == OB3_PNG_KEYWORD


def _itxt_text(data: bytes) -> str:
    """The text of an iTXt chunk, inflated (bounded) if a foreign baker compressed it."""
    _keyword, _, rest = data.partition(b"\0")
    flag, method = rest[:1], rest[1:2]
    _language, found_language, rest = rest[2:].partition(b"\0")
    _translated, found_translated, payload = rest.partition(b"\0")
    if not (found_language and found_translated) or flag not in (b"\0", b"\1"):
        raise ParsingError("malformed iTXt chunk")
    if flag == b"\1":
        if method != b"\0":
            raise ParsingError("unknown iTXt compression method")
        inflater = zlib.decompressobj()
        try:
            payload = inflater.decompress(payload, MAX_IMAGE_BYTES)
        except zlib.error as exc:
            raise ParsingError(f"corrupt compressed iTXt text: {exc}") from exc
        if inflater.unconsumed_tail:
            raise ParsingError("compressed iTXt text is too large")
    try:
        return payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParsingError("iTXt text is not UTF-8") from exc


def _unbake_png(png: bytes) -> Baked:
    legacy: tuple[bytes, bytes] | None = None  # (chunk type, data) of the first OB 2.0 chunk
    for chunk in _read_png(png):
        keyword = chunk.data.split(b"\0", 1)[0]
        if chunk.kind == b"iTXt" and keyword == OB3_PNG_KEYWORD:
            return _classify(_itxt_text(chunk.data), ob3=True, image_format="png")
        if chunk.kind in (b"iTXt", b"tEXt") and keyword == OB2_PNG_KEYWORD and legacy is None:
            legacy = (chunk.kind, chunk.data)
    if legacy is None:
        raise ParsingError("no baked credential in this PNG")
    kind, data = legacy
    text = _itxt_text(data) if kind == b"iTXt" else data.partition(b"\0")[2].decode("latin-1")
    return _classify(text, ob3=False, image_format="png")


# --- SVG ---------------------------------------------------------------------------------------


def _svg_text(svg: str | bytes) -> str:
    _check_size(len(svg))
    if isinstance(svg, str):
        return svg.removeprefix("\ufeff")
    try:
        return svg.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParsingError("SVG is not UTF-8") from exc


def _parse_svg(text: str) -> Element:
    try:
        root: Element = parse_xml_safely(text, forbid_dtd=False)
    except (DefusedXmlException, ParseError, ValueError) as exc:
        raise ParsingError(f"SVG is not safe, well-formed XML: {exc}") from exc
    if root.tag.rpartition("}")[2] != "svg":
        raise ParsingError("the root element is not <svg>")
    return root


def _unbake_svg(text: str) -> Baked:
    legacy: Element | None = None
    for element in _parse_svg(text).iter():
        if element.tag == f"{{{OB3_SVG_NAMESPACE}}}credential":
            verify = element.get("verify")
            payload = verify if verify else element.text or ""
            return _classify(payload, ob3=True, image_format="svg")
        if element.tag == f"{{{OB2_SVG_NAMESPACE}}}assertion" and legacy is None:
            legacy = element
    if legacy is None:
        raise ParsingError("no baked credential in this SVG")
    content = (legacy.text or "").strip()
    payload = content if content.startswith("{") else legacy.get("verify") or content
    return _classify(payload, ob3=False, image_format="svg")


# A well-formed document (checked by defusedxml first) only needs this much tokenising to find the
# root start tag and the spans of the badge elements directly inside it.
_TAG = re.compile(r"""<(/?)([^\s/>]+)((?:[^>"']|"[^"]*"|'[^']*')*?)(/?)>""")
_DOCTYPE = re.compile(r"""<!(?:[^\[>"']|"[^"]*"|'[^']*'|\[(?:[^\]"']|"[^"]*"|'[^']*')*\])*>""")
_SKIPPED = (("<!--", "-->"), ("<![CDATA[", "]]>"), ("<?", "?>"))
_ATTRIBUTE = re.compile(r"""([^\s=]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_OB_PREFIX_DECLARATION = re.compile(r"""(\sxmlns:openbadges\s*=\s*)(?:"[^"]*"|'[^']*')""")


@dataclass
class _SvgLayout:
    root_start: int
    root_end: int
    root_name: str
    self_closing: bool
    badges: list[tuple[int, int]]


def _tags(text: str) -> Iterator[tuple[int, re.Match[str]]]:
    position = 0
    while (start := text.find("<", position)) != -1:
        skipped = next((pair for pair in _SKIPPED if text.startswith(pair[0], start)), None)
        if skipped is not None:
            opener, closer = skipped
            end = text.find(closer, start + len(opener))
            if end == -1:
                raise ParsingError(f"unterminated {opener} at character {start}")
            position = end + len(closer)
            continue
        pattern = _DOCTYPE if text.startswith("<!", start) else _TAG
        match = pattern.match(text, start)
        if match is None:
            raise ParsingError(f"unexpected markup at character {start}")
        position = match.end()
        if pattern is _TAG:
            yield start, match


def _namespaces(attributes: str) -> dict[str, str]:
    found = {}
    for name, double, single in _ATTRIBUTE.findall(attributes):
        if name == "xmlns" or name.startswith("xmlns:"):
            found[name.partition(":")[2]] = double or single
    return found


def _is_badge_element(name: str, namespaces: dict[str, str]) -> bool:
    prefix, _, local = name.rpartition(":")
    namespace = namespaces.get(prefix)
    return (namespace, local) in {
        (OB3_SVG_NAMESPACE, "credential"),
        (OB2_SVG_NAMESPACE, "assertion"),
    }


def _svg_layout(text: str) -> _SvgLayout:
    tags = _tags(text)
    root_start, root = next(tags)  # the document was parsed already, so it has a root element
    layout = _SvgLayout(root_start, root.end(), root[2], root[4] == "/", [])
    if layout.self_closing:
        return layout
    root_namespaces = _namespaces(root[3])
    depth, badge_start = 1, -1
    for start, tag in tags:
        if tag[1] == "/":
            depth -= 1
            if depth == 1 and badge_start >= 0:
                layout.badges.append((badge_start, tag.end()))
                badge_start = -1
            if depth == 0:
                break
            continue
        namespaces = {**root_namespaces, **_namespaces(tag[3])}
        if depth == 1 and _is_badge_element(tag[2], namespaces):
            if tag[4] == "/":
                layout.badges.append((start, tag.end()))
            else:
                badge_start = start
        if tag[4] != "/":
            depth += 1
    return layout


def _declare_ob3_prefix(start_tag: str) -> str:
    """Bind `openbadges` to the OB 3.0 namespace on the root start tag (add or rebind)."""
    value = f'"{OB3_SVG_NAMESPACE}"'
    if _OB_PREFIX_DECLARATION.search(start_tag):
        return _OB_PREFIX_DECLARATION.sub(lambda match: match.group(1) + value, start_tag, 1)
    cut = len(start_tag) - (2 if start_tag.endswith("/>") else 1)
    return f"{start_tag[:cut]} xmlns:openbadges={value}{start_tag[cut:]}"
