"""Who may do what in the issuer console.

A manager does everything for their issuer (API tokens and staff included); staff issue,
revoke and prepare micro-credentials; an assessor only reads (and, later, reviews recognition
applications). Every object is looked up through the domain services with an issuer principal
bound to the person's current issuer, so another issuer's object is a 404 like in the API.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from credex.auth.principal import Principal
from credex.web.forms import SubmittedFormDep
from credex.web.session import PageStaff, PageStaffDep, require_staff_form
from credex.web.templating import PageError

ISSUING_ROLES = ("manager", "staff")


@dataclass(frozen=True)
class Console:
    staff: PageStaff
    issuer_id: uuid.UUID
    issuer_name: str
    role: str
    principal: Principal

    @property
    def csrf_token(self) -> str:
        return self.staff.csrf_token

    @property
    def actor(self) -> str:
        return f"issuer:{self.staff.account.id}:{self.staff.email}"

    @property
    def can_manage(self) -> bool:
        return self.role == "manager"

    @property
    def can_issue(self) -> bool:
        return self.role in ISSUING_ROLES

    def require(self, allowed: bool, what: str) -> None:
        if not allowed:
            raise PageError(
                403, "Not allowed", f"Your role ({self.role}) does not allow you to {what}."
            )


def require_console(staff: PageStaffDep) -> Console:
    current = staff.current
    if current is None:
        raise PageError(
            404,
            "No issuer yet",
            "You do not work for any training provider yet. Ask its manager or an administrator "
            "to add you.",
        )
    return Console(
        staff=staff,
        issuer_id=current.issuer_id,
        issuer_name=current.issuer_name,
        role=current.role,
        principal=staff.issuer_principal(),
    )


ConsoleDep = Annotated[Console, Depends(require_console)]


def require_console_form(console: ConsoleDep, form: SubmittedFormDep) -> Console:
    require_staff_form(console.staff, form)
    return console


CheckedConsoleForm = Annotated[Console, Depends(require_console_form)]
