from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.roles import Action
from accounts.scoping import role_assignments


def security_links(request: HttpRequest) -> dict:
    """Whether the header links to the audit logs and the records past their retention period: read from the role
    assignments the scope gate has usually fetched already for the request (no query of its own then), and only
    when a page shows the header."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def audit_everywhere() -> bool:
        return any(Action.AUDIT in a.rights and a.unit.parent_id is None for a in role_assignments(user))

    def personal_data() -> bool:
        return any({Action.AUDIT, Action.SEE_IDENTITY} & a.rights for a in role_assignments(user))

    def approver() -> bool:
        return any(Action.APPROVE in a.rights for a in role_assignments(user))

    return {
        "may_review_retention": SimpleLazyObject(approver),
        "may_read_audit_log": SimpleLazyObject(audit_everywhere),
        "may_read_personal_data_log": SimpleLazyObject(personal_data),
    }
