"""Operations on cadres that reach beyond one row."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from directory.models import Cadre


@transaction.atomic
def user_for_cadre(cadre: Cadre) -> AbstractBaseUser:
    """The cadre's site login account, created on their first phone login.

    The new account has no usable password (the phone code is how it logs in) and is named after the cadre's
    id, not the phone number, so that the number never shows where a username does (the forum shows first_name).
    """
    # Lock the cadre row only: PostgreSQL refuses FOR UPDATE across the nullable side of the user join.
    cadre = Cadre.objects.select_for_update(of=("self",)).select_related("user").get(pk=cadre.pk)
    if cadre.user is not None:
        return cadre.user
    User = get_user_model()
    username = f"cadre-{cadre.pk}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=cadre.name[:150])
        user.set_unusable_password()
        user.save()
    cadre.user = user
    cadre.save(update_fields=["user", "updated_at"])
    return user
