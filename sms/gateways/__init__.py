"""Pluggable SMS gateways. settings.SMS_GATEWAY names one module of this package."""

from importlib import import_module

from django.conf import settings

from .base import Gateway, SendResult

__all__ = ["Gateway", "SendResult", "get_gateway"]


def get_gateway(name=None) -> Gateway:
    name = name or settings.SMS_GATEWAY
    module = import_module(f"{__name__}.{name}")
    return module.GatewayBackend()
