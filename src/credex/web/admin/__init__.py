"""The admin console (`/admin`): issuers, keys, tokens, trusted issuers, frameworks, audit."""

from fastapi import APIRouter

from credex.web.admin import issuers, system

router = APIRouter()
for module in (issuers, system):
    router.include_router(module.router)
