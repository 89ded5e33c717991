"""How many segments an SMS takes, and what it costs.

GSM 03.38 text travels 7 bits a character: 160 characters in one segment, 153 per segment when concatenated
(the header takes 7). Characters of the extension table (^{}[]~|€ and backslash, form feed) cost two.
Anything else (any Chinese character) switches the whole message to UCS-2: 70 UTF-16 code units in one segment,
67 per segment when concatenated; characters outside the BMP (emoji) take two code units.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7 = "GSM-7"
UCS2 = "UCS-2"


@dataclass(frozen=True)
class SegmentInfo:
    encoding: str
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int

    @property
    def per_segment(self):
        single, multi = (160, 153) if self.encoding == GSM7 else (70, 67)
        return single if self.segments <= 1 else multi


def segment_info(text: str) -> SegmentInfo:
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text):
        units = sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)
        single, multi, encoding = 160, 153, GSM7
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = 70, 67, UCS2
    if units == 0:
        segments = 0
    elif units <= single:
        segments = 1
    else:
        segments = -(-units // multi)
    return SegmentInfo(encoding, units, segments)


def estimated_cost(segments: int, recipients: int = 1, price=None) -> Decimal:
    """Yuan, at settings.SMS_SEGMENT_PRICE per segment, rounded to the fen."""
    from django.conf import settings

    price = Decimal(str(settings.SMS_SEGMENT_PRICE if price is None else price))
    return (price * segments * recipients).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
