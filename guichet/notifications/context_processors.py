from django.utils.functional import SimpleLazyObject


def centre(request):
    """The unread count of the header's badge; lazy, one query on pages that show it."""
    user = request.user

    def unread():
        if not user.is_authenticated:
            return 0
        return user.notification_items.filter(read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(unread)}
