"""``{{ value|phone }}``: a stored phone number the French way (06 12 34 56 78); a builtin."""

from django import template

from guichet.lib.phones import display

register = template.Library()


@register.filter
def phone(value) -> str:
    return display(value or "")
