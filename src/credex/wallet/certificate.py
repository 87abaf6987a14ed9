"""The PDF certificate of one credential (fpdf2: pure Python, installs from PyPI alone).

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

from credex.wallet.certificate_facts import CertificateFacts

__all__ = ["CertificateFacts", "certificate_pdf"]


def certificate_pdf(facts: CertificateFacts) -> bytes:
    """The certificate as PDF bytes; fpdf2 is imported here, on the rare path that needs it."""
    from credex.wallet.certificate_layout import render_certificate

    return render_certificate(facts)
