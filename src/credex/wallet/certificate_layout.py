"""The PDF certificate's layout (fpdf2), loaded only when a certificate is drawn.

It states what a reader of a paper certificate expects (title, learner, issuer, EQF level,
ECTS, learning outcomes, dates) and carries a QR code to the credential's verification page,
because paper proves nothing: the signed credential does. The credential itself is attached to
the PDF as an embedded file, so the certificate travels with its proof.

Text is set in the PDF core font Helvetica when it is all Latin-1 (nothing to embed: fast and
small). Other scripts use DejaVu Sans when the system has it; without it, characters outside
Latin-1 are transliterated (accents dropped) rather than lost silently.

The labels, dates and numbers are in `language`, the credential's language (`credex.i18n`
catalogues; English when credex has no interface in that language).
"""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime
from functools import lru_cache
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from credex import i18n
from credex.i18n import N_
from credex.wallet.certificate_facts import CertificateFacts

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts"),
)
_INK = (33, 37, 41)
_MUTED = (90, 98, 106)
_ACCENT = (29, 78, 137)


_HEADING = N_("CERTIFICATE OF ACHIEVEMENT")
_PROOF_NOTE = N_(
    "This paper is a summary. The signed digital credential (attached to this PDF) "
    "is the proof; verify it at the address above or with any Open Badges 3.0 verifier."
)
_LABELS = (
    _HEADING,
    _PROOF_NOTE,
    N_("awarded to"),
    N_("by"),
    N_("Learning outcomes"),
    N_("EQF level"),
    N_("ECTS credits"),
    N_("Workload"),
    N_("Awarded"),
    N_("Valid until"),
    N_("Credential"),
    N_("not stated"),
    N_("Verify this credential online:"),
    N_("certificate"),
)


def _t(facts: CertificateFacts, message: str) -> str:
    return i18n.gettext(facts.language, message)


@lru_cache(maxsize=1)
def _unicode_fonts() -> tuple[Path, Path] | None:
    for folder in _FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def _needs_unicode(facts: CertificateFacts) -> bool:
    texts = [facts.title, facts.learner, facts.issuer, facts.description, *facts.learning_outcomes]
    texts += [_t(facts, label) for label in _LABELS]
    texts += [*facts.extra.keys(), *facts.extra.values(), facts.status_note or ""]
    try:
        "".join(texts).encode("latin-1")
    except UnicodeEncodeError:
        return True
    return False


class _Certificate(FPDF):
    def __init__(self, *, unicode: bool) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        # Loading and subsetting a TrueType font costs ~0.4 s; the core font costs nothing.
        fonts = _unicode_fonts() if unicode else None
        self.unicode = fonts is not None
        if fonts is not None:
            self.add_font("body", "", str(fonts[0]))
            self.add_font("body", "B", str(fonts[1]))
            self.family = "body"
        else:
            self.family = "helvetica"

    def text_of(self, value: str) -> str:
        if self.unicode:
            return value
        try:  # French and Italian accents are Latin-1: the core font draws them
            value.encode("latin-1")
        except UnicodeEncodeError:
            pass
        else:
            return value
        folded = unicodedata.normalize("NFKD", value)
        plain = "".join(char for char in folded if not unicodedata.combining(char))
        return plain.encode("latin-1", "replace").decode("latin-1")

    def write_line(
        self,
        value: str,
        size: float,
        *,
        bold: bool = False,
        colour: tuple[int, int, int] = _INK,
        height: float = 0,
    ) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*colour)
        self.multi_cell(
            0,
            height or size * 0.5,
            self.text_of(value),
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )


def _date(value: datetime, language: str) -> str:
    return i18n.format_day(value, language)


def render_certificate(facts: CertificateFacts) -> bytes:
    pdf = _Certificate(unicode=_needs_unicode(facts))
    pdf.set_title(pdf.text_of(f"{facts.title} - {_t(facts, 'certificate')}"))
    pdf.set_author(pdf.text_of(facts.issuer))
    pdf.set_creator("credex")
    pdf.set_creation_date(facts.issued_at)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(20, 18, 20)
    pdf.add_page()
    pdf.set_draw_color(*_ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    if facts.badge_image:
        picture = io.BytesIO(facts.badge_image)
        pdf.image(picture, x=(pdf.w - 34) / 2, y=16, w=34, h=34, keep_aspect_ratio=True)
        pdf.set_y(54)
    pdf.write_line(_t(facts, _HEADING), 11, bold=True, colour=_MUTED)
    pdf.ln(3)
    pdf.write_line(facts.title, 22, bold=True, colour=_ACCENT, height=10)
    pdf.ln(4)
    pdf.write_line(_t(facts, "awarded to"), 11, colour=_MUTED)
    pdf.write_line(facts.learner, 18, bold=True, height=9)
    pdf.write_line(_t(facts, "by"), 11, colour=_MUTED)
    pdf.write_line(facts.issuer, 14, bold=True, height=7)
    if facts.status_note:
        pdf.ln(2)
        pdf.write_line(facts.status_note, 11, bold=True, colour=(176, 0, 32))
    pdf.ln(4)
    _facts_table(pdf, facts)
    if facts.description:
        pdf.ln(3)
        _paragraph(pdf, facts.description, 10)
    if facts.learning_outcomes:
        pdf.ln(3)
        _heading(pdf, _t(facts, "Learning outcomes"))
        for outcome in facts.learning_outcomes:
            _paragraph(pdf, f"\u2022 {outcome}" if pdf.unicode else f"- {outcome}", 10)
    _qr_block(pdf, facts)
    if facts.attachment:
        name, data = facts.attachment
        pdf.embed_file(bytes=data, basename=name, modification_date=facts.issued_at)
    return bytes(pdf.output())


def _facts_table(pdf: _Certificate, facts: CertificateFacts) -> None:
    not_stated = _t(facts, "not stated")
    rows = [
        (_t(facts, "EQF level"), str(facts.eqf_level) if facts.eqf_level else not_stated),
        (
            _t(facts, "ECTS credits"),
            i18n.format_number(facts.ects, facts.language) if facts.ects else not_stated,
        ),
    ]
    if facts.workload:
        rows.append((_t(facts, "Workload"), facts.workload))
    rows.append((_t(facts, "Awarded"), _date(facts.valid_from, facts.language)))
    if facts.valid_until:
        rows.append((_t(facts, "Valid until"), _date(facts.valid_until, facts.language)))
    rows.extend(facts.extra.items())
    rows.append((_t(facts, "Credential"), facts.credential_id))
    for label, value in rows:
        pdf.set_x(35)
        pdf.set_font(pdf.family, "B", 10)
        pdf.set_text_color(*_MUTED)
        pdf.cell(40, 6, pdf.text_of(label))
        pdf.set_font(pdf.family, "", 10)
        pdf.set_text_color(*_INK)
        pdf.multi_cell(0, 6, pdf.text_of(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _heading(pdf: _Certificate, text: str) -> None:
    pdf.set_font(pdf.family, "B", 11)
    pdf.set_text_color(*_ACCENT)
    pdf.cell(0, 7, pdf.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _paragraph(pdf: _Certificate, text: str, size: float) -> None:
    pdf.set_font(pdf.family, "", size)
    pdf.set_text_color(*_INK)
    pdf.multi_cell(0, size * 0.5, pdf.text_of(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _qr_block(pdf: _Certificate, facts: CertificateFacts) -> None:
    """The QR code bottom right (a new page only if the outcomes filled this one)."""
    size = 32
    if pdf.get_y() > pdf.h - 18 - size - 4:
        pdf.add_page()
    top = pdf.h - 18 - size
    qr = io.BytesIO()
    segno.make(facts.verify_url, error="m").save(qr, kind="png", scale=6, border=2)
    qr.seek(0)
    pdf.image(qr, x=pdf.w - 20 - size, y=top, w=size, h=size)
    pdf.set_xy(20, top + 6)
    pdf.set_font(pdf.family, "B", 9)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(
        pdf.w - 40 - size - 6, 5, pdf.text_of(_t(facts, "Verify this credential online:"))
    )
    pdf.set_x(20)
    pdf.set_font(pdf.family, "", 8)
    pdf.set_text_color(*_ACCENT)
    pdf.multi_cell(pdf.w - 40 - size - 6, 4, facts.verify_url, link=facts.verify_url)
    pdf.set_x(20)
    pdf.set_text_color(*_MUTED)
    pdf.multi_cell(
        pdf.w - 40 - size - 6,
        4,
        pdf.text_of(_t(facts, _PROOF_NOTE)),
    )
