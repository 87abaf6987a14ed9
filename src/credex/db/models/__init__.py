"""All ORM models in one place: issuer → achievement → credential → status entry are tightly linked.

Import models from here so Alembic's autogenerate sees the whole metadata.
"""

from credex.db.base import Base
from credex.db.models.accounts import Account, Membership, WebSession
from credex.db.models.achievements import Achievement
from credex.db.models.audit import AuditEntry
from credex.db.models.credentials import Credential
from credex.db.models.frameworks import Competency, Framework
from credex.db.models.issuers import Issuer, IssuerKey
from credex.db.models.jobs import Job, JobItem
from credex.db.models.learners import Learner
from credex.db.models.notifications import CredentialNotification
from credex.db.models.oid4vci import (
    CredentialDelivery,
    CredentialNonce,
    CredentialOffer,
    OAuthAccessToken,
    OAuthCode,
)
from credex.db.models.presentations import PresentationRequest
from credex.db.models.renderings import CredentialRendering, IssuerSeal
from credex.db.models.stacking import (
    Award,
    AwardComponent,
    ExternalCredential,
    PathwayShare,
    StackingRule,
)
from credex.db.models.status_lists import StatusEntry, StatusList
from credex.db.models.throttle import RateLimitHit
from credex.db.models.tokens import ApiToken
from credex.db.models.trust import TrustedIssuer
from credex.db.models.wallet import AccountTombstone, MagicLink, OutboxMessage, ShareLink

__all__ = [
    "Account",
    "AccountTombstone",
    "Achievement",
    "ApiToken",
    "AuditEntry",
    "Award",
    "AwardComponent",
    "Base",
    "Competency",
    "Credential",
    "CredentialDelivery",
    "CredentialNonce",
    "CredentialNotification",
    "CredentialOffer",
    "CredentialRendering",
    "ExternalCredential",
    "Framework",
    "Issuer",
    "IssuerKey",
    "IssuerSeal",
    "Job",
    "JobItem",
    "Learner",
    "MagicLink",
    "Membership",
    "OAuthAccessToken",
    "OAuthCode",
    "OutboxMessage",
    "PathwayShare",
    "PresentationRequest",
    "RateLimitHit",
    "ShareLink",
    "StackingRule",
    "StatusEntry",
    "StatusList",
    "TrustedIssuer",
    "WebSession",
]
