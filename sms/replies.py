"""What happens to an SMS a cadre sends us: it is logged, then answered by the first reply handler that knows it.

The registry
------------
A reply handler is a function ``(inbound, cadre) -> str | None``:

- ``inbound`` is the sms.gateways.InboundMessage (``sender`` in E.164, ``body``, ``provider_id``);
- ``cadre`` is the Cadre whose phone sent it, or None for an unknown number;
- it returns the text to send back, or None to let the next handler try. Whatever it changes (a subscription,
  a quiz answer) it changes before returning, through its own service.

Register one with ``@reply_handler(priority=...)`` in a module Django imports at start-up (an app's
``apps.py ready()`` or ``models.py``). Handlers run from the highest priority down (equal priorities in
registration order); the first answer that is not None is sent back as a MessageKind.REPLY. Built in:

====================  ========  ============================================================
opt-out               100       STOP, UNSUBSCRIBE, 退订, TD, T
opt-in                90        START, 订阅
help                  10        HELP, 帮助
====================  ========  ============================================================

A feature answering free text (the SMS quiz, priority between 10 and 90) should return None for anything it
does not recognise. Compare keywords with ``normalise(inbound.body)``: upper case, full-width folded (NFKC),
punctuation and surrounding spaces dropped, so "ＳＴＯＰ。" and " td " match "STOP" and "TD".
Handlers run in the site's default language, so their gettext texts come out in Chinese.
"""

import logging
import unicodedata

import phonenumbers
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from directory.models import Cadre
from sms.encoding import segment_info
from sms.gateways import GatewayError
from sms.models import DeliveryStatus, Direction, Message, MessageKind, SubscriptionChange

logger = logging.getLogger(__name__)

_handlers = []  # (-priority, registration order, function)

OPT_OUT_KEYWORDS = {"STOP", "UNSUBSCRIBE", "退订", "TD", "T"}
OPT_IN_KEYWORDS = {"START", "订阅"}
HELP_KEYWORDS = {"HELP", "帮助"}

OPT_OUT_CONFIRMATION = _("You will no longer receive integrity SMS. Reply START to subscribe again.")
OPT_IN_CONFIRMATION = _("You are subscribed to integrity SMS again. Reply TD to unsubscribe.")
NO_HANDLER = _("No keyword matched: not answered")
OTHER_HANDLER = _("Answered by another handler")
HELP_TEXT = _(
    "Integrity education SMS of the discipline inspection commission. Reply TD to unsubscribe, START to subscribe."
)


_labels = {}  # handler name -> what the inbox says it did (translated lazily)


def reply_handler(priority=50, label=None):
    """Register a reply handler (see the module docstring). Returns the function unchanged.

    `label` (a lazy translation) is what the inbox shows for a reply this handler answered ("opt-out", "quiz
    answer"); the handler is recorded by its name on the inbound message (``Message.handled_by``).
    """

    def register(func):
        _handlers.append((-priority, len(_handlers), func))
        _handlers.sort(key=lambda entry: entry[:2])
        if label is not None:
            _labels[handler_name(func)] = label
        return func

    return register


def handler_name(func) -> str:
    return f"{func.__module__}.{func.__qualname__}"[:60]


def handler_label(name: str) -> str:
    """The words for a recorded handler name; a reply no handler took says so."""
    if not name:
        return str(NO_HANDLER)
    return str(_labels.get(name, OTHER_HANDLER))


def unregister_reply_handler(func):
    _handlers[:] = [entry for entry in _handlers if entry[2] is not func]


def normalise(text):
    """A reply as a keyword: NFKC (full-width letters), upper case, no punctuation or symbols, single spaces."""
    text = unicodedata.normalize("NFKC", text or "").upper()
    text = "".join(" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in text)
    return " ".join(text.split())


def answer(inbound, cadre):
    """The reply to an inbound SMS, from the first handler that has one, or None."""
    return answer_with_handler(inbound, cadre)[0]


def answer_with_handler(inbound, cadre):
    """(reply, name of the handler that gave it), or (None, "") when no handler knows the message."""
    with translation.override(settings.LANGUAGE_CODE):
        for _priority, _order, handler in list(_handlers):
            try:
                reply = handler(inbound, cadre)
            except Exception:
                # One broken handler (a feature's bug) must not stop STOP or HELP from working.
                logger.exception("SMS reply handler %s failed", getattr(handler, "__qualname__", handler))
                continue
            if reply is not None:
                return str(reply), handler_name(handler)
    return None, ""


def find_cadre(phone):
    try:
        number = phonenumbers.parse(phone, "CN")
    except phonenumbers.NumberParseException:
        return None
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return Cadre.objects.filter(phone=e164).first()


def receive(inbound, gateway):
    """Log an inbound SMS and send the answer of the reply handlers. Returns the logged Message, or None.

    The provider may deliver one inbound message twice (it retries when our answer is slow): the second copy
    finds its provider id taken and is neither logged nor answered again.
    """
    from sms.services import send_message

    cadre = find_cadre(inbound.sender)
    info = segment_info(inbound.body)
    try:
        with transaction.atomic():
            message = Message.objects.create(
                direction=Direction.INBOUND,
                kind=MessageKind.INBOUND,
                phone=inbound.sender,
                cadre=cadre,
                body=inbound.body,
                encoding=info.encoding,
                segments=info.segments,
                gateway=gateway.name,
                provider_id=inbound.provider_id or None,
                status=DeliveryStatus.DELIVERED,
            )
    except IntegrityError:
        logger.info("Inbound SMS %s received again; ignored", inbound.provider_id)
        return None
    reply, handler = answer_with_handler(inbound, cadre)
    if handler:
        Message.objects.filter(pk=message.pk).update(handled_by=handler)
        message.handled_by = handler
    if reply:
        try:
            send_message(inbound.sender, reply, kind=MessageKind.REPLY, cadre=cadre, gateway=gateway)
        except GatewayError as exc:
            # What the reply confirms (an opt-out) is already recorded; only the confirmation is lost.
            logger.warning("Reply to inbound SMS %s not sent: %s", message.pk, exc)
    return message


# Built-in handlers.


@reply_handler(priority=100, label=_("Opt-out (退订, TD, STOP)"))
def opt_out(inbound, cadre):
    if cadre is None or normalise(inbound.body) not in OPT_OUT_KEYWORDS:
        return None
    from sms.subscriptions import set_subscription

    set_subscription(cadre, False, SubscriptionChange.Source.SMS)
    return OPT_OUT_CONFIRMATION


@reply_handler(priority=90, label=_("Opt-in (订阅, START)"))
def opt_in(inbound, cadre):
    if cadre is None or normalise(inbound.body) not in OPT_IN_KEYWORDS:
        return None
    from sms.subscriptions import set_subscription

    set_subscription(cadre, True, SubscriptionChange.Source.SMS)
    return OPT_IN_CONFIRMATION


@reply_handler(priority=10, label=_("Help (帮助, HELP)"))
def help_text(inbound, cadre):
    if normalise(inbound.body) not in HELP_KEYWORDS:
        return None
    return HELP_TEXT
