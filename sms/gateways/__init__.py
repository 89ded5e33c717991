"""Pluggable SMS gateways. settings.SMS_GATEWAY names one module of this package (see base.py)."""

from .base import (
    AccountError,
    DeferredError,
    Gateway,
    GatewayError,
    InboundMessage,
    PermanentError,
    SendResult,
    StatusUpdate,
    TemplateRef,
    TemporaryError,
    get_gateway,
)

__all__ = [
    "AccountError",
    "DeferredError",
    "Gateway",
    "GatewayError",
    "InboundMessage",
    "PermanentError",
    "SendResult",
    "StatusUpdate",
    "TemplateRef",
    "TemporaryError",
    "get_gateway",
]
