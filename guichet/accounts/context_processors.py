from django.utils.functional import SimpleLazyObject

from guichet.accounts.models import Membership


def roles(request):
    """Lazy, so that pages that never ask pay no query."""
    user = request.user

    def is_agent():
        return user.is_authenticated and user.memberships.exists()

    def is_dpo():
        return user.is_authenticated and user.memberships.filter(
            role=Membership.Role.DPO).exists()

    def is_admin():
        return user.is_authenticated and user.memberships.filter(
            role=Membership.Role.ADMIN).exists()

    def is_communication():
        return user.is_authenticated and user.memberships.filter(
            role__in=[Membership.Role.COMMUNICATION, Membership.Role.ADMIN]).exists()

    return {"is_communication": SimpleLazyObject(is_communication),
            "is_agent": SimpleLazyObject(is_agent), "is_dpo": SimpleLazyObject(is_dpo),
            "is_admin": SimpleLazyObject(is_admin)}
