"""Encryption at rest of reporters' contact data (Fernet: AES-128-CBC + HMAC-SHA256, from `cryptography`).

The key is ``settings.COMPLAINTS_ENCRYPTION_KEYS``: one or more Fernet keys, newest first (MultiFernet), so a key
can be rotated by putting a new one first and re-encrypting (``rotate``). Production requires it from the
environment; development and tests derive one from SECRET_KEY (see config/settings/base.py).
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac


def derive_key(secret):
    """A Fernet key derived from another secret (development and tests only)."""
    return base64.urlsafe_b64encode(hashlib.sha256(f"complaints-encryption:{secret}".encode()).digest()).decode()


@lru_cache(maxsize=4)
def _fernet(keys):
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def _current():
    return _fernet(tuple(settings.COMPLAINTS_ENCRYPTION_KEYS))


def encrypt(text):
    return _current().encrypt(str(text).encode()).decode()


def decrypt(token):
    return _current().decrypt(token.encode()).decode()


def rotate(token):
    return _current().rotate(token.encode()).decode()


def digest(purpose, text):
    """A keyed digest for equality look-ups of encrypted values (a phone subscribed twice)."""
    return salted_hmac(f"complaints.{purpose}", text, algorithm="sha256").hexdigest()


def phone_digest(phone):
    """The digest a named reporter's phone (E.164) is found by in 我的: the same number always gives the same value."""
    return digest("reporter", phone)
