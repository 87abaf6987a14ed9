"""The issuer console (`/console`): pages for a training provider's staff."""

from fastapi import APIRouter

from credex.web.console import achievements, bulk, credentials, dashboard, people, rules, team

router = APIRouter()
for module in (dashboard, achievements, credentials, bulk, people, rules, team):
    router.include_router(module.router)
