"""The endpoints config/urls.py mounts; they live in api.core.views."""

from api.core.views import QingfengGraphQLView, csrf

__all__ = ["QingfengGraphQLView", "csrf"]
