"""All ORM models in one place: issuer → achievement → credential → status entry are tightly linked.

Import models from here so Alembic's autogenerate sees the whole metadata.
"""

from credex.db.base import Base
from credex.db.models.tokens import ApiToken

__all__ = ["ApiToken", "Base"]
