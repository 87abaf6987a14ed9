"""Unsubscribe links: `/notifications/unsubscribe/<learner id>/<HMAC>`, no state to store.

The HMAC (service secret) proves the link came from a message to that learner record; the
learner record is per issuer, so unsubscribing stops mail from that issuer only.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid

from credex.settings import Settings

UNSUBSCRIBE_PATH = "/notifications/unsubscribe"


def unsubscribe_token(settings: Settings, learner_id: uuid.UUID) -> str:
    message = f"credex-unsubscribe:{learner_id}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()


def unsubscribe_url(settings: Settings, learner_id: uuid.UUID) -> str:
    token = unsubscribe_token(settings, learner_id)
    return f"{settings.base_url}{UNSUBSCRIBE_PATH}/{learner_id}/{token}"


def token_matches(settings: Settings, learner_id: uuid.UUID, token: str) -> bool:
    return hmac.compare_digest(unsubscribe_token(settings, learner_id), token)
