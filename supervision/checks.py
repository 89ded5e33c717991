"""Deployment checks: a production site without a checkpoint signing key has an audit trail a DBA could rebuild."""

from django.core.checks import Warning, register
from django.utils.translation import gettext as _

from supervision.audit import SigningKeyMissing, _private_key


@register(deploy=True)
def signing_key_check(app_configs, **kwargs):
    try:
        _private_key()
    except SigningKeyMissing as error:
        return [
            Warning(
                str(error),
                hint=_(
                    "`manage.py audit_keygen` prints a key pair; keep the public key and checkpoints off the server."
                ),
                id="supervision.W001",
            )
        ]
    return []
