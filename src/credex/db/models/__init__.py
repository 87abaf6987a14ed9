"""All ORM models in one place: issuer → achievement → credential → status entry are tightly linked.

Import models from here so Alembic's autogenerate sees the whole metadata.
"""

from credex.db.base import Base
from credex.db.models.achievements import Achievement
from credex.db.models.audit import AuditEntry
from credex.db.models.credentials import Credential
from credex.db.models.frameworks import Competency, Framework
from credex.db.models.issuers import Issuer, IssuerKey
from credex.db.models.jobs import Job, JobItem
from credex.db.models.learners import Learner
from credex.db.models.status_lists import StatusList
from credex.db.models.tokens import ApiToken

__all__ = [
    "Achievement",
    "ApiToken",
    "AuditEntry",
    "Base",
    "Competency",
    "Credential",
    "Framework",
    "Issuer",
    "IssuerKey",
    "Job",
    "JobItem",
    "Learner",
    "StatusList",
]
