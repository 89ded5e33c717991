from django import template

from core import people

register = template.Library()


@register.filter
def display_name(user):
    """How the forum names a poster or the logged-in user: core.people.display_name, the one rule."""
    return people.display_name(user)
