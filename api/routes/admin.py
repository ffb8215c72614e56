"""The audit trail, for admins: who imported a catalog, created or revoked a token (and, with the
next phase, who read or erased whose history and who promoted which model)."""

from __future__ import annotations

from typing import Any

from flask_openapi3 import APIBlueprint, Tag

from matcher.auth import Role

from ..access import roles
from ..schemas import AuditOut, AuditQuery
from ..services import services
from . import PREFIX

bp = APIBlueprint("admin", __name__, url_prefix=PREFIX, abp_tags=[Tag(name="admin")])


@bp.get("/audit", responses={200: AuditOut})
@roles(Role.ADMIN)
def audit_trail(query: AuditQuery) -> dict[str, Any]:
    """Audit entries, newest first; `before_id` pages back; `participant_id` keeps the entries about one person."""
    audit = services().audit
    subject = audit.participant_subject(query.participant_id) if query.participant_id is not None else None
    entries = audit.entries(action=query.action, limit=query.limit, before_id=query.before_id, subject=subject)
    return {"entries": [e.to_dict() for e in entries]}
