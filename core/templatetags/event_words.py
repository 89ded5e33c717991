"""Event kinds and states as words: {{ e.kind|event_label }}, {{ e.to_state|state_label:"approvals" }}."""

from django import template

from core import events

register = template.Library()


@register.filter
def event_label(kind):
    return events.label_for(kind)


@register.filter
def state_label(state, source):
    return events.state_label(source, state)
