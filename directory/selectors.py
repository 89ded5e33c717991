"""Read-only look-ups of the directory that other apps and the API share."""

from directory.models import Cadre


def cadre_of(user) -> Cadre | None:
    """The user's cadre record with its department, or None (anonymous, staff without a cadre record)."""
    if user is None or not user.is_authenticated:
        return None
    return Cadre.objects.select_related("department").filter(user=user).first()
