"""The wallet as one zip: every credential as issued, baked PNG/SVG, PDF certificate, a
presentation of them all, a manifest with checksums and an index page that works offline.

Layout (folder names are stable: slug of the title + the first 8 characters of the id):

    index.html  manifest.json  presentation.json
    credentials/<slug>-<id8>/credential.json | credential.jwt
    credentials/<slug>-<id8>/badge.png  badge.svg  certificate.pdf
    credentials/<slug>-<id8>/elm.json   (the same credential as ELM v3 / Europass, issuer-signed)
    imported/<id8>/credential.json | credential.jwt   (brought from elsewhere, as received;
                   assertion.json | assertion.jws for Open Badges 2.0, which are no VCs and so
                   stay out of the presentation)

`presentation.json` is a VC 2.0 VerifiablePresentation (§4.13) holding every credential: Data
Integrity credentials embedded, VC-JWTs as `EnvelopedVerifiableCredential` data: URLs. It is not
signed: credex holds no key of the learner's, and inventing one would prove nothing. Each
credential inside keeps its issuer's proof; the manifest says so.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from credex import __version__
from credex.core.credentials.lexical import format_date_time
from credex.core.jwt import looks_like_jws
from credex.db.models import ExternalCredential
from credex.issuance.document import credential_url
from credex.wallet.artifacts import CredentialFile, credential_files
from credex.wallet.facts import achievement_facts, live_status
from credex.wallet.repository import WalletEntry
from credex.web.templating import environment

EXPORT_FORMAT = "credex-wallet-export/1"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"
_STORED = frozenset({"image/png", "application/pdf"})  # already compressed
UNSIGNED_NOTE = (
    "The presentation is not signed: credex holds no key of the learner's. Every credential "
    "in it carries its issuer's proof and verifies on its own."
)


def folder_name(entry: WalletEntry) -> str:
    title = achievement_facts(entry.achievement).title
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].rstrip("-")
    return f"credentials/{slug or 'credential'}-{str(entry.credential.id)[:8]}"


def _carried(content: str, fmt: str) -> dict[str, Any]:
    """A credential as a presentation carries it: embedded JSON, or an enveloped VC-JWT."""
    if fmt == "jwt":
        return {
            "@context": VC_V2_CONTEXT,
            "id": f"data:application/vc+jwt,{content.strip()}",
            "type": "EnvelopedVerifiableCredential",
        }
    document: dict[str, Any] = json.loads(content)
    return document


def presentation(
    entries: list[WalletEntry], imported: Sequence[ExternalCredential] = ()
) -> dict[str, Any]:
    carried = [_carried(entry.credential.content, entry.credential.format) for entry in entries]
    carried += [_carried(row.content, row.format) for row in imported if row.format != "ob2"]
    return {
        "@context": [VC_V2_CONTEXT],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": carried,
    }


def _file_record(path: str, item: CredentialFile) -> dict[str, Any]:
    return {
        "path": path,
        "media_type": item.media_type,
        "bytes": len(item.data),
        "sha256": hashlib.sha256(item.data).hexdigest(),
        "contains_credential": item.carries_credential,
    }


def _credential_record(
    entry: WalletEntry, folder: str, files: list[dict[str, Any]], base_url: str, now: datetime
) -> dict[str, Any]:
    credential, achievement = entry.credential, entry.achievement
    facts = achievement_facts(achievement)
    return {
        "id": str(credential.id),
        "url": credential_url(credential.id, base_url),
        "format": credential.format,
        "status": live_status(entry, now),
        "achievement": facts.title,
        "issuer": entry.issuer.name,
        "eqf_level": achievement.eqf_level,
        "ects": facts.ects,
        "valid_from": format_date_time(credential.valid_from),
        "valid_until": format_date_time(credential.valid_until) if credential.valid_until else None,
        "folder": folder,
        "files": files,
    }


def _imported_file(row: ExternalCredential) -> tuple[str, str]:
    """(file name, media type) of an imported credential as received."""
    if row.format == "ob2":
        if looks_like_jws(row.content):
            return "assertion.jws", "text/plain"
        return "assertion.json", "application/ld+json"
    if row.format == "jwt":
        return "credential.jwt", "application/vc+jwt"
    return "credential.json", "application/vc+ld+json"


def _imported_record(row: ExternalCredential) -> tuple[str, bytes, dict[str, Any]]:
    name, media_type = _imported_file(row)
    path = f"imported/{str(row.id)[:8]}/{name}"
    data = row.content.encode()
    record = {
        "id": str(row.id),
        "achievement": row.achievement_name,
        "issuer": row.credential_issuer,
        "url": row.credential_url,
        "verified_when_checked": row.verified,
        "checked_at": format_date_time(row.checked_at.replace(microsecond=0)),
        "files": [_file_record(path, CredentialFile(name, media_type, data, True))],
    }
    return path, data, record


def wallet_zip(
    entries: list[WalletEntry],
    *,
    base_url: str,
    holder_email: str,
    now: datetime,
    imported: Sequence[ExternalCredential] = (),
    extra: Mapping[uuid.UUID, Sequence[CredentialFile]] | None = None,
) -> bytes:
    """`extra`: more files per credential id, e.g. its ELM (Europass) rendering."""
    buffer = io.BytesIO()
    extra = extra or {}
    stamp = now.timetuple()[:6]
    records: list[dict[str, Any]] = []
    with zipfile.ZipFile(buffer, "w") as archive:

        def add(path: str, data: bytes, media_type: str) -> None:
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = (
                zipfile.ZIP_STORED if media_type in _STORED else zipfile.ZIP_DEFLATED
            )
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

        for entry in entries:
            folder = folder_name(entry)
            files = []
            for item in [
                *credential_files(entry, base_url, now),
                *extra.get(entry.credential.id, ()),
            ]:
                path = f"{folder}/{item.name}"
                add(path, item.data, item.media_type)
                files.append(_file_record(path, item))
            records.append(_credential_record(entry, folder, files, base_url, now))
        brought: list[dict[str, Any]] = []
        for row in imported:
            path, data, record = _imported_record(row)
            add(path, data, "application/json")
            brought.append(record)
        vp = json.dumps(presentation(entries, imported), ensure_ascii=False, indent=2).encode()
        add("presentation.json", vp, "application/json")
        manifest = {
            "format": EXPORT_FORMAT,
            "generated_at": format_date_time(now.replace(microsecond=0)),
            "generator": {"name": "credex", "version": __version__, "service": base_url},
            "holder": {"email": holder_email},
            "index": "index.html",
            "presentation": {
                "path": "presentation.json",
                "sha256": hashlib.sha256(vp).hexdigest(),
                "signed": False,
                "note": UNSIGNED_NOTE,
            },
            "credentials": records,
            "imported": brought,
        }
        add("index.html", _index_html(manifest).encode(), "text/html")
        add(
            "manifest.json",
            json.dumps(manifest, ensure_ascii=False, indent=2).encode(),
            "application/json",
        )
    return buffer.getvalue()


def _index_html(manifest: dict[str, Any]) -> str:
    return environment.get_template("wallet/export_index.html").render(manifest=manifest)
