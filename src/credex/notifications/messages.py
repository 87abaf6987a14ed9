"""The issuance e-mail, in the achievement's language (en, fr, it, de, es, el; else English).

Plain text with an HTML alternative that shows the offer as a QR code (an inline PNG,
`cid:offer-qr`) for a wallet on another device, and as a link for a wallet on this one.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from html import escape

from credex.signin.mailer import Mail

QR_CID = "offer-qr"

_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "subject": "{issuer} awarded you “{title}”",
        "hello": "Hello {name},",
        "awarded": "{issuer} has awarded you the credential “{title}”.",
        "see": "See it in your credex wallet (sign in with this e-mail address):",
        "add": "Add it to a wallet app: scan the QR code with the wallet, or open this link "
        "on the phone that has the wallet:",
        "code": "The wallet asks for a code: you find it in your credex wallet, next to this "
        "credential.",
        "until": "This offer works until {date}; your credex wallet makes new ones at any time.",
        "stop": "No more messages like this from {issuer}:",
    },
    "fr": {
        "subject": "{issuer} vous a décerné « {title} »",
        "hello": "Bonjour {name},",
        "awarded": "{issuer} vous a décerné le titre « {title} ».",
        "see": "Consultez-le dans votre portefeuille credex (connexion avec cette adresse) :",
        "add": "Ajoutez-le à une application portefeuille : scannez le code QR, ou ouvrez ce "
        "lien sur le téléphone qui a le portefeuille :",
        "code": "Le portefeuille demande un code : il figure dans votre portefeuille credex, à "
        "côté de ce titre.",
        "until": "Cette offre est valable jusqu'au {date} ; votre portefeuille credex en crée "
        "d'autres à tout moment.",
        "stop": "Ne plus recevoir ces messages de {issuer} :",
    },
    "it": {
        "subject": "{issuer} ti ha conferito «{title}»",
        "hello": "Ciao {name},",
        "awarded": "{issuer} ti ha conferito la credenziale «{title}».",
        "see": "Vedila nel tuo portafoglio credex (accedi con questo indirizzo e-mail):",
        "add": "Aggiungila a un'app portafoglio: scansiona il codice QR, oppure apri questo "
        "link sul telefono con il portafoglio:",
        "code": "Il portafoglio chiede un codice: lo trovi nel tuo portafoglio credex, accanto "
        "a questa credenziale.",
        "until": "Questa offerta vale fino al {date}; il tuo portafoglio credex ne crea altre "
        "in qualsiasi momento.",
        "stop": "Non ricevere più messaggi come questo da {issuer}:",
    },
    "de": {
        "subject": "{issuer} hat Ihnen „{title}“ verliehen",
        "hello": "Hallo {name},",
        "awarded": "{issuer} hat Ihnen den Nachweis „{title}“ verliehen.",
        "see": "Sehen Sie ihn in Ihrer credex-Wallet (Anmeldung mit dieser E-Mail-Adresse):",
        "add": "Fügen Sie ihn einer Wallet-App hinzu: QR-Code scannen oder diesen Link auf dem "
        "Telefon mit der Wallet öffnen:",
        "code": "Die Wallet fragt nach einem Code: Sie finden ihn in Ihrer credex-Wallet neben "
        "diesem Nachweis.",
        "until": "Dieses Angebot gilt bis {date}; Ihre credex-Wallet erstellt jederzeit neue.",
        "stop": "Keine solchen Nachrichten mehr von {issuer}:",
    },
    "es": {
        "subject": "{issuer} te ha otorgado «{title}»",
        "hello": "Hola, {name}:",
        "awarded": "{issuer} te ha otorgado la credencial «{title}».",
        "see": "Consúltala en tu monedero credex (inicia sesión con esta dirección):",
        "add": "Añádela a una aplicación de monedero: escanea el código QR o abre este enlace "
        "en el teléfono que tiene el monedero:",
        "code": "El monedero pide un código: lo encontrarás en tu monedero credex, junto a esta "
        "credencial.",
        "until": "Esta oferta es válida hasta el {date}; tu monedero credex crea otras cuando "
        "quieras.",
        "stop": "No recibir más mensajes como este de {issuer}:",
    },
    "el": {
        "subject": "Ο φορέας {issuer} σας απένειμε «{title}»",
        "hello": "Γεια σας {name},",
        "awarded": "Ο φορέας {issuer} σας απένειμε το πιστοποιητικό «{title}».",
        "see": "Δείτε το στο πορτοφόλι credex (σύνδεση με αυτή τη διεύθυνση e-mail):",
        "add": "Προσθέστε το σε εφαρμογή πορτοφολιού: σαρώστε τον κωδικό QR ή ανοίξτε αυτόν "
        "τον σύνδεσμο στο τηλέφωνο με το πορτοφόλι:",
        "code": "Το πορτοφόλι ζητά κωδικό: θα τον βρείτε στο πορτοφόλι credex, δίπλα σε αυτό "
        "το πιστοποιητικό.",
        "until": "Η προσφορά ισχύει έως {date}· το πορτοφόλι credex δημιουργεί νέες ανά πάσα "
        "στιγμή.",
        "stop": "Να μην λαμβάνω άλλα τέτοια μηνύματα από {issuer}:",
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
    return _TEXTS.get(language.split("-", maxsplit=1)[0].lower(), _TEXTS["en"])


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
        "date": award.offer_expires.strftime("%Y-%m-%d"),
    }
    line = {key: value.format(**values) for key, value in t.items()}
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
        f'<p><img src="cid:{QR_CID}" alt="QR code" width="250" height="250"></p>'
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
