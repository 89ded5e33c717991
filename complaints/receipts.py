"""Receipts: the secret a reporter keeps to follow their complaint (查询码).

A receipt is 18 random digits (``secrets``; about 60 bits), stored only as scrypt(receipt, per-receipt salt).
A look-up is by the public reference *and* the receipt: the reference is unique and indexed, so the database finds
one row and exactly one slow hash is computed per attempt, never a scan over all rows (which a receipt-only
look-up with a per-row salt would need). The reference is printed on public pages, so it is an identifier, not a
secret; all the secrecy is in the receipt, and the rate limits (services.reporter_access: per source and per
case, in the cache) leave a guesser a few dozen tries an hour against 10^18. scrypt (N=2^14, r=8: ~16 MB and
tens of ms) makes an offline attack on a stolen database slow as well.
"""

import hashlib
import hmac
import secrets

RECEIPT_DIGITS = 18
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "maxmem": 64 * 1024 * 1024, "dklen": 32}


def new_receipt():
    return "".join(secrets.choice("0123456789") for _i in range(RECEIPT_DIGITS))


def normalise(raw):
    """Digits only (people copy receipts with spaces or dashes)."""
    return "".join(ch for ch in str(raw or "") if ch.isdigit())


def hash_receipt(receipt, salt):
    return hashlib.scrypt(receipt.encode(), salt=bytes.fromhex(salt), **SCRYPT).hex()


def seal(receipt):
    """(salt, hash) to store for a new receipt."""
    salt = secrets.token_hex(16)
    return salt, hash_receipt(receipt, salt)


def matches(complaint, receipt):
    receipt = normalise(receipt)
    if len(receipt) != RECEIPT_DIGITS:
        return False
    return hmac.compare_digest(hash_receipt(receipt, complaint.receipt_salt), complaint.receipt_hash)


def display(receipt):
    """ "123456 789012 345678": easier to copy by hand."""
    return " ".join(receipt[i : i + 6] for i in range(0, len(receipt), 6))
