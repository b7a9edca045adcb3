from django.utils.functional import SimpleLazyObject


def roles(request):
    def is_agent():
        user = request.user
        return user.is_authenticated and user.memberships.exists()

    return {"is_agent": SimpleLazyObject(is_agent)}
