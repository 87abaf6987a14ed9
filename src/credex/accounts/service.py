"""Staff accounts and their roles per issuer (rules; never commits).

Every change is recorded in the audit log by this module, so the CLI, the consoles and any
later API are covered alike. Addresses are normalised by the same `Email` rule as learners'.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from credex.audit import service as audit
from credex.db.models import Account, Issuer, Membership
from credex.db.models.accounts import ISSUER_ROLES
from credex.errors import Conflict, InvalidInput, NotFound, field_error
from credex.learners.fields import Email

ACCOUNT_CREATED = "account.created"
MEMBER_ADDED = "staff.added"
MEMBER_ROLE_CHANGED = "staff.role_changed"
MEMBER_REMOVED = "staff.removed"


class _EmailIn(BaseModel):
    email: Email


def normalise_email(value: str) -> str:
    try:
        return _EmailIn(email=value).email
    except ValidationError as exc:
        raise InvalidInput(
            "the e-mail address is not valid",
            errors=[field_error("/email", "enter an e-mail address like name@example.org")],
        ) from exc


def _check_role(role: str) -> None:
    if role not in ISSUER_ROLES:
        raise InvalidInput(
            "unknown role",
            errors=[field_error("/role", f"must be one of {', '.join(ISSUER_ROLES)}")],
        )


def find_account(session: Session, email: str) -> Account | None:
    return session.scalar(select(Account).where(Account.email == email.strip().lower()))


def ensure_account(
    session: Session, email: str, *, actor: str, display_name: str = "", admin: bool = False
) -> Account:
    """The account for `email`, created if new; `admin=True` makes it a platform admin."""
    address = normalise_email(email)
    account = find_account(session, address)
    if account is None:
        account = Account(
            id=uuid.uuid4(), email=address, display_name=display_name.strip(), is_admin=admin
        )
        session.add(account)
        session.flush()
        audit.record(
            session,
            action=ACCOUNT_CREATED,
            actor=actor,
            issuer_id=None,
            object_type="account",
            object_id=str(account.id),
            details={"email": address, "admin": admin},
        )
    elif admin and not account.is_admin:
        account.is_admin = True
        audit.record(
            session,
            action="account.made_admin",
            actor=actor,
            issuer_id=None,
            object_type="account",
            object_id=str(account.id),
            details={"admin": [False, True]},
        )
    if display_name.strip() and not account.display_name:
        account.display_name = display_name.strip()
    return account


def add_member(
    session: Session,
    issuer_id: uuid.UUID,
    email: str,
    role: str,
    *,
    actor: str,
    display_name: str = "",
) -> Membership:
    """Give `email` a role at an issuer (creating the account if needed): an invitation."""
    _check_role(role)
    if session.get(Issuer, issuer_id) is None:
        raise NotFound("no such issuer")
    account = ensure_account(session, email, actor=actor, display_name=display_name)
    existing = membership_of(session, account.id, issuer_id)
    if existing is not None:
        raise Conflict(f"{account.email} already works for this issuer ({existing.role})")
    member = Membership(id=uuid.uuid4(), account_id=account.id, issuer_id=issuer_id, role=role)
    session.add(member)
    session.flush()
    audit.record(
        session,
        action=MEMBER_ADDED,
        actor=actor,
        issuer_id=issuer_id,
        object_type="account",
        object_id=str(account.id),
        details={"email": account.email, "role": role},
    )
    return member


def membership_of(
    session: Session, account_id: uuid.UUID, issuer_id: uuid.UUID
) -> Membership | None:
    return session.scalar(
        select(Membership).where(
            Membership.account_id == account_id, Membership.issuer_id == issuer_id
        )
    )


def _member(session: Session, issuer_id: uuid.UUID, account_id: uuid.UUID) -> Membership:
    member = membership_of(session, account_id, issuer_id)
    if member is None:
        raise NotFound("no such staff member")
    return member


def _other_managers(session: Session, issuer_id: uuid.UUID, account_id: uuid.UUID) -> int:
    rows = session.scalars(
        select(Membership.id).where(
            Membership.issuer_id == issuer_id,
            Membership.role == "manager",
            Membership.account_id != account_id,
        )
    ).all()
    return len(rows)


def change_role(
    session: Session, issuer_id: uuid.UUID, account_id: uuid.UUID, role: str, *, actor: str
) -> Membership:
    _check_role(role)
    member = _member(session, issuer_id, account_id)
    if member.role == role:
        return member
    if member.role == "manager" and not _other_managers(session, issuer_id, account_id):
        raise Conflict("an issuer keeps at least one manager")
    audit.record(
        session,
        action=MEMBER_ROLE_CHANGED,
        actor=actor,
        issuer_id=issuer_id,
        object_type="account",
        object_id=str(account_id),
        details={"role": [member.role, role]},
    )
    member.role = role
    return member


def remove_member(
    session: Session, issuer_id: uuid.UUID, account_id: uuid.UUID, *, actor: str
) -> None:
    member = _member(session, issuer_id, account_id)
    if member.role == "manager" and not _other_managers(session, issuer_id, account_id):
        raise Conflict("an issuer keeps at least one manager")
    session.delete(member)
    audit.record(
        session,
        action=MEMBER_REMOVED,
        actor=actor,
        issuer_id=issuer_id,
        object_type="account",
        object_id=str(account_id),
        details={"role": member.role},
    )


@dataclass(frozen=True)
class StaffMember:
    account: Account
    role: str


def members_of(session: Session, issuer_id: uuid.UUID) -> list[StaffMember]:
    rows = session.execute(
        select(Account, Membership.role)
        .join(Membership, Membership.account_id == Account.id)
        .where(Membership.issuer_id == issuer_id)
        .order_by(Account.email)
    ).all()
    return [StaffMember(account, role) for account, role in rows]


@dataclass(frozen=True)
class IssuerRole:
    issuer_id: uuid.UUID
    issuer_name: str
    role: str


def roles_of(session: Session, account_id: uuid.UUID) -> Sequence[IssuerRole]:
    rows = session.execute(
        select(Issuer.id, Issuer.name, Membership.role)
        .join(Membership, Membership.issuer_id == Issuer.id)
        .where(Membership.account_id == account_id)
        .order_by(Issuer.name)
    ).all()
    return [IssuerRole(issuer_id, name, role) for issuer_id, name, role in rows]
