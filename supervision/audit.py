"""The tamper-evident audit trail: a SHA-256 hash chain of everything supervision is told or does.

Each record's hash covers the previous record's hash and a canonical encoding of the record (its sequence number,
kind, reference, time and content), so altering a record breaks its own hash, deleting one leaves a gap in the
sequence, and inserting one breaks the link of the next. Whoever can write the database could still rebuild the
whole chain; the daily checkpoint (the chain head signed with an Ed25519 key kept outside the database, written to a
file in the checkpoint storage, meant to be kept off the database server) makes that visible too.
"""

import base64
import datetime
import decimal
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from core.storage import checkpoint_storage
from supervision.models import AuditRecord, ChainHead, Checkpoint

logger = logging.getLogger(__name__)
GENESIS = "0" * 64


def _default(value):
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime in an audit record")
        # One explicit format: UTC, microseconds always written, so equal instants encode equally.
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, tuple | set | frozenset):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    raise TypeError(f"cannot encode {type(value).__name__} in an audit record")


def canonical(value):
    """Sorted-key, compact, UTF-8 JSON with one datetime format: the same facts always give the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def record_hash(prev_hash, seq, kind, ref, recorded_at, data):
    envelope = canonical({"seq": seq, "kind": kind, "ref": ref, "at": recorded_at, "data": data})
    return hashlib.sha256((prev_hash + envelope).encode()).hexdigest()


def append(kind, ref, data, at=None):
    """Append one record, in the caller's transaction. Returns the AuditRecord."""
    return append_many([(kind, ref, data)], at=at)[0]


def append_many(entries, at=None):
    """Append records [(kind, ref, data), ...] under one lock of the chain head; one insert for all."""
    if not entries:
        return []
    at = at or timezone.now()
    with transaction.atomic():
        head = _locked_head()
        records, prev, seq = [], head.hash, head.seq
        for kind, ref, data in entries:
            seq += 1
            text = canonical(data)
            digest = record_hash(prev, seq, kind, ref, at, text)
            records.append(
                AuditRecord(seq=seq, kind=kind, ref=ref, recorded_at=at, data=text, prev_hash=prev, hash=digest)
            )
            prev = digest
        AuditRecord.objects.bulk_create(records)
        ChainHead.objects.filter(pk=head.pk).update(seq=seq, hash=prev)
    return records


def _locked_head():
    # Appends are serialised on this row (SQLite serialises whole transactions anyway).
    head = ChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        ChainHead.objects.get_or_create(pk=1)
        head = ChainHead.objects.select_for_update().get(pk=1)
    return head


# --- Verification -----------------------------------------------------------------------------------------------


PROBLEM_LABELS = {
    "altered": pgettext_lazy("audit problem", "altered"),
    "deleted": pgettext_lazy("audit problem", "deleted"),
    "inserted": pgettext_lazy("audit problem", "inserted"),
    "checkpoint": pgettext_lazy("audit problem", "signed checkpoint"),
}


@dataclass(frozen=True)
class Problem:
    seq: int
    kind: str  # "altered" | "deleted" | "inserted" | "checkpoint"
    detail: str

    def __str__(self):
        return f"#{self.seq} {PROBLEM_LABELS[self.kind]}: {self.detail}"


@dataclass(frozen=True)
class Report:
    """What a check of the chain verified: records walked, checkpoints whose signature and hash were compared."""

    problems: list
    records: int
    checkpoints: int

    @property
    def intact(self):
        return not self.problems


def verify(chunk=2000, checkpoints=True):
    """Walk the whole chain; return the problems found, in sequence order (the first is the first tampering)."""
    return check(chunk, checkpoints).problems


def check(chunk=2000, checkpoints=True) -> Report:
    """Walk the whole chain and compare it with every signed checkpoint; say what was verified and what was found."""
    problems = []
    expected_seq, prev_hash = 1, GENESIS
    by_seq = {}
    wanted = {}  # seq -> the hashes signed checkpoints give it
    for checkpoint in _trusted_checkpoints(problems) if checkpoints else []:
        wanted.setdefault(checkpoint.seq, set()).add(checkpoint.hash)
    walked = 0
    for record in AuditRecord.objects.order_by("seq").iterator(chunk_size=chunk):
        gap = record.seq != expected_seq
        if record.seq > expected_seq:
            missing = str(expected_seq) if record.seq == expected_seq + 1 else f"{expected_seq}–{record.seq - 1}"
            problems.append(Problem(expected_seq, "deleted", _("Record(s) %(seqs)s are missing.") % {"seqs": missing}))
        recomputed = record_hash(record.prev_hash, record.seq, record.kind, record.ref, record.recorded_at, record.data)
        if recomputed != record.hash:
            problems.append(Problem(record.seq, "altered", _("Its content no longer matches its hash.")))
        elif record.prev_hash != prev_hash and not gap:
            problems.append(
                Problem(record.seq, "inserted", _("It does not follow the record before it: inserted or replaced."))
            )
        if record.seq in wanted and wanted[record.seq] != {record.hash}:
            problems.append(
                Problem(record.seq, "checkpoint", _("It differs from the signed checkpoint: the chain was rewritten."))
            )
        by_seq[record.seq] = True
        walked += 1
        expected_seq, prev_hash = record.seq + 1, record.hash
    head = ChainHead.objects.filter(pk=1).first()
    last = expected_seq - 1
    if head is not None and head.seq > last:
        problems.append(
            Problem(last + 1, "deleted", _("The chain ends before its recorded head #%(n)d.") % {"n": head.seq})
        )
    elif head is not None and head.seq < last:
        problems.append(Problem(head.seq + 1, "inserted", _("Records were appended after the recorded head.")))
    elif head is not None and last and head.hash != prev_hash:
        problems.append(Problem(last, "altered", _("The last record differs from the recorded head.")))
    for seq in wanted:
        if seq > last:
            problems.append(Problem(seq, "checkpoint", _("A signed checkpoint names a record that no longer exists.")))
    problems.sort(key=lambda p: p.seq)
    return Report(problems=problems, records=walked, checkpoints=len(wanted))


def _trusted_checkpoints(problems):
    """Checkpoints whose signature verifies, from the database and from the checkpoint storage (which a database
    administrator cannot rewrite); a bad signature, or a stored file that differs from its row, is itself a problem."""
    good, rows = [], {}
    for checkpoint in Checkpoint.objects.all():
        rows[checkpoint.file_name] = checkpoint
        if verify_checkpoint(checkpoint_document(checkpoint)):
            good.append(checkpoint)
        else:
            problems.append(Problem(checkpoint.seq, "checkpoint", _("A checkpoint's signature does not verify.")))
    for name, document in stored_checkpoints().items():
        row = rows.get(name)
        if row is not None and checkpoint_document(row) != document:
            problems.append(Problem(document["seq"], "checkpoint", _("A stored checkpoint differs from its record.")))
        if row is None or document["hash"] != row.hash:
            if verify_checkpoint(document):
                good.append(SimpleNamespace(seq=document["seq"], hash=document["hash"]))
            else:
                problems.append(Problem(document["seq"], "checkpoint", _("A checkpoint's signature does not verify.")))
    return good


# --- Signed checkpoints ------------------------------------------------------------------------------------------


class SigningKeyMissing(Exception):
    pass


def _private_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    raw = getattr(settings, "SUPERVISION_SIGNING_KEY", "")
    path = getattr(settings, "SUPERVISION_SIGNING_KEY_FILE", "")
    if raw:
        try:
            return Ed25519PrivateKey.from_private_bytes(base64.b64decode(raw))
        except ValueError as error:
            raise SigningKeyMissing(
                _("SUPERVISION_SIGNING_KEY is not a base64 Ed25519 private key (32 bytes): %(error)s")
                % {"error": error}
            ) from error
    if path:
        try:
            return serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
        except (OSError, ValueError) as error:
            raise SigningKeyMissing(
                _("Cannot read the signing key file %(path)s: %(error)s") % {"path": path, "error": error}
            ) from error
    raise SigningKeyMissing(
        _(
            "No signing key: set SUPERVISION_SIGNING_KEY (base64 Ed25519 private key; `manage.py audit_keygen` makes "
            "one) or SUPERVISION_SIGNING_KEY_FILE. The audit chain keeps appending; only the checkpoint is missing."
        )
    )


def public_key_b64(private_key):
    from cryptography.hazmat.primitives import serialization

    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def new_key_pair():
    """(private, public) as base64 strings, for settings."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return base64.b64encode(raw).decode(), public_key_b64(key)


def _signed_text(seq, hash_, signed_at):
    return canonical({"chain": "qingfeng.supervision.audit", "seq": seq, "hash": hash_, "signed_at": signed_at})


_DOCUMENT_KEYS = ("chain", "seq", "hash", "signed_at", "signature", "public_key")


def checkpoint_document(checkpoint):
    return {
        "chain": "qingfeng.supervision.audit",
        "seq": checkpoint.seq,
        "hash": checkpoint.hash,
        "signed_at": _default(checkpoint.signed_at),
        "signature": checkpoint.signature,
        "public_key": checkpoint.public_key,
    }


def verify_checkpoint(document, public_key=None):
    """True when the document's signature verifies with public_key (base64; by default the one configured)."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    public_key = public_key or getattr(settings, "SUPERVISION_PUBLIC_KEY", "") or document["public_key"]
    signed_at = datetime.datetime.strptime(document["signed_at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.UTC)
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key)).verify(
            base64.b64decode(document["signature"]), _signed_text(document["seq"], document["hash"], signed_at).encode()
        )
    except (InvalidSignature, ValueError):
        return False
    return True


def write_checkpoint(now=None):
    """Sign the chain head and write it to SUPERVISION_CHECKPOINT_DIR. Raises SigningKeyMissing without a key."""
    key = _private_key()
    now = (now or timezone.now()).replace(microsecond=0)
    head = ChainHead.objects.filter(pk=1).first() or ChainHead(seq=0, hash=GENESIS)
    signature = base64.b64encode(key.sign(_signed_text(head.seq, head.hash, now).encode())).decode()
    name = f"audit-checkpoint-{timezone.localtime(now):%Y%m%d-%H%M%S}-{head.seq}.json"
    checkpoint = Checkpoint(
        seq=head.seq,
        hash=head.hash,
        signed_at=now,
        signature=signature,
        public_key=public_key_b64(key),
        file_name=name,
    )
    text = json.dumps(checkpoint_document(checkpoint), indent=2) + "\n"
    checkpoint.file_name = checkpoint_storage().save(name, ContentFile(text.encode()))
    checkpoint.save()
    logger.info("audit checkpoint #%s written to %s", head.seq, checkpoint.file_name)
    return checkpoint


def stored_checkpoints():
    """The checkpoint documents in the checkpoint storage (a directory, or the object store's audit/ prefix), by
    file name; a file that is not a checkpoint document is left out (and logged)."""
    storage = checkpoint_storage()
    try:
        names = storage.listdir("")[1]
    except FileNotFoundError:
        return {}
    documents = {}
    for name in sorted(n for n in names if n.startswith("audit-checkpoint-") and n.endswith(".json")):
        try:
            with storage.open(name, "rb") as stream:
                document = json.loads(stream.read().decode("utf-8"))
            documents[name] = {key: document[key] for key in _DOCUMENT_KEYS}
        except (OSError, ValueError, KeyError, TypeError) as error:
            logger.warning("audit checkpoint %s unreadable: %s", name, error)
    return documents
