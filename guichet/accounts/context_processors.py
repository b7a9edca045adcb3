from django.utils.functional import SimpleLazyObject

from guichet.accounts.models import Membership


def roles(request):
    """Lazy, so that pages that never ask pay no query."""
    user = request.user

    def is_agent():
        return user.is_authenticated and user.is_agent

    def is_dpo():
        return user.is_authenticated and user.has_membership_role(Membership.Role.DPO)

    def is_admin():
        return user.is_authenticated and user.has_membership_role(Membership.Role.ADMIN)

    def is_communication():
        return user.is_authenticated and user.has_membership_role(
            Membership.Role.COMMUNICATION, Membership.Role.ADMIN)

    def is_archivist():
        return user.is_authenticated and user.has_membership_role(Membership.Role.ARCHIVIST)

    return {"is_communication": SimpleLazyObject(is_communication),
            "is_archivist": SimpleLazyObject(is_archivist),
            "is_agent": SimpleLazyObject(is_agent), "is_dpo": SimpleLazyObject(is_dpo),
            "is_admin": SimpleLazyObject(is_admin)}
