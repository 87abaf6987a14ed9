"""The issuance e-mail, in the credential's language (en, fr, it, el through the gettext
catalogues; de and es from the table below; else English).

Plain text with an HTML alternative that shows the offer as a QR code (an inline PNG,
`cid:offer-qr`) for a wallet on another device, and as a link for a wallet on this one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from html import escape

from credex import i18n
from credex.i18n import N_
from credex.signin.mailer import Mail

QR_CID = "offer-qr"

# The texts, through the gettext catalogues (`credex.i18n`: en, fr, it, el).
_MESSAGES: dict[str, str] = {
    "subject": N_("%(issuer)s awarded you “%(title)s”"),
    "hello": N_("Hello %(name)s,"),
    "awarded": N_("%(issuer)s has awarded you the credential “%(title)s”."),
    "see": N_("See it in your credex wallet (sign in with this e-mail address):"),
    "add": N_(
        "Add it to a wallet app: scan the QR code with the wallet, or open this link "
        "on the phone that has the wallet:"
    ),
    "code": N_(
        "The wallet asks for a code: you find it in your credex wallet, next to this credential."
    ),
    "until": N_("This offer works until %(date)s; your credex wallet makes new ones at any time."),
    "stop": N_("No more messages like this from %(issuer)s:"),
    "qr": N_("QR code"),
}
# Languages credex has no interface catalogue for, but whose learners get this e-mail.
_OTHER_LANGUAGES: dict[str, dict[str, str]] = {
    "de": {
        "subject": "%(issuer)s hat Ihnen „%(title)s“ verliehen",
        "hello": "Hallo %(name)s,",
        "awarded": "%(issuer)s hat Ihnen den Nachweis „%(title)s“ verliehen.",
        "see": "Sehen Sie ihn in Ihrer credex-Wallet (Anmeldung mit dieser E-Mail-Adresse):",
        "add": "Fügen Sie ihn einer Wallet-App hinzu: QR-Code scannen oder diesen Link auf dem "
        "Telefon mit der Wallet öffnen:",
        "code": "Die Wallet fragt nach einem Code: Sie finden ihn in Ihrer credex-Wallet neben "
        "diesem Nachweis.",
        "until": "Dieses Angebot gilt bis %(date)s; Ihre credex-Wallet erstellt jederzeit neue.",
        "stop": "Keine solchen Nachrichten mehr von %(issuer)s:",
    },
    "es": {
        "subject": "%(issuer)s te ha otorgado «%(title)s»",
        "hello": "Hola, %(name)s:",
        "awarded": "%(issuer)s te ha otorgado la credencial «%(title)s».",
        "see": "Consúltala en tu monedero credex (inicia sesión con esta dirección):",
        "add": "Añádela a una aplicación de monedero: escanea el código QR o abre este enlace "
        "en el teléfono que tiene el monedero:",
        "code": "El monedero pide un código: lo encontrarás en tu monedero credex, junto a esta "
        "credencial.",
        "until": "Esta oferta es válida hasta el %(date)s; tu monedero credex crea otras cuando "
        "quieras.",
        "stop": "No recibir más mensajes como este de %(issuer)s:",
    },
}


@dataclass(frozen=True)
class Award:
    to: str
    learner_name: str | None
    issuer_name: str
    title: str
    language: str
    wallet_url: str
    offer_link: str  # openid-credential-offer://…
    offer_expires: datetime
    unsubscribe_url: str


def texts(language: str) -> dict[str, str]:
    """The e-mail's texts in `language` (a catalogue language, German, Spanish; else English)."""
    primary = language.split("-", maxsplit=1)[0].lower()
    if primary in _OTHER_LANGUAGES:
        return {"qr": "QR", **_OTHER_LANGUAGES[primary]}
    catalogue = i18n.supported(primary) or i18n.DEFAULT_LANGUAGE
    return {key: i18n.gettext(catalogue, message) for key, message in _MESSAGES.items()}


def _day(value: datetime, language: str) -> str:
    """The offer's last day as people of `language` write it (CLDR; ISO for other languages)."""
    if i18n.supported(language):
        return i18n.format_day(value, language)
    return value.strftime("%Y-%m-%d")


def qr_png(data: str) -> bytes:
    import segno  # loaded on first QR code, not at app start-up

    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="png", scale=5, border=2)
    return out.getvalue()


def award_mail(award: Award) -> Mail:
    t = texts(award.language)
    values = {
        "issuer": award.issuer_name,
        "title": award.title,
        "name": award.learner_name or award.to,
        "date": _day(award.offer_expires, award.language),
    }
    line = {key: value % values for key, value in t.items()}
    body = (
        f"{line['hello']}\n\n{line['awarded']}\n\n{line['see']}\n{award.wallet_url}\n\n"
        f"{line['add']}\n{award.offer_link}\n\n{line['code']}\n{line['until']}\n\n"
        f"--\n{line['stop']}\n{award.unsubscribe_url}\n"
    )
    e = {key: escape(value) for key, value in line.items()}
    html = (
        f'<!doctype html><html lang="{escape(award.language)}"><body>'
        f"<p>{e['hello']}</p><p>{e['awarded']}</p>"
        f'<p>{e["see"]}<br><a href="{escape(award.wallet_url)}">{escape(award.wallet_url)}</a></p>'
        f"<p>{e['add']}</p>"
        f'<p><img src="cid:{QR_CID}" alt="{e["qr"]}" width="250" height="250"></p>'
        f'<p><a href="{escape(award.offer_link)}">{escape(award.title)}</a></p>'
        f"<p>{e['code']}<br>{e['until']}</p>"
        f'<hr><p><small>{e["stop"]} <a href="{escape(award.unsubscribe_url)}">'
        f"{escape(award.unsubscribe_url)}</a></small></p></body></html>"
    )
    return Mail(
        to=award.to,
        subject=line["subject"][:300],
        body=body,
        kind="credential_issued",
        html=html,
        images=((QR_CID, qr_png(award.offer_link)),),
        headers=(
            ("List-Unsubscribe", f"<{award.unsubscribe_url}>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ),
    )
