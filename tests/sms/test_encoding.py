"""Segment counting and cost: what an operator sees before sending a campaign, and what the carrier bills."""

from decimal import Decimal

import pytest

from sms.encoding import GSM7, UCS2, estimated_cost, segment_info


@pytest.mark.parametrize(
    "text, encoding, units, segments",
    [
        ("", GSM7, 0, 0),
        ("a" * 160, GSM7, 160, 1),
        ("a" * 161, GSM7, 161, 2),
        ("a" * 306, GSM7, 306, 2),  # 2 x 153
        ("a" * 307, GSM7, 307, 3),
        ("Ç@£$¥\n" * 10, GSM7, 60, 1),  # the basic table is not ASCII
        ("€" * 80, GSM7, 160, 1),  # extension characters count two
        ("€" * 81, GSM7, 162, 2),
        ("a" * 159 + "^", GSM7, 161, 2),
        ("廉" * 70, UCS2, 70, 1),
        ("廉" * 71, UCS2, 71, 2),
        ("廉" * 134, UCS2, 134, 2),  # 2 x 67
        ("廉" * 135, UCS2, 135, 3),
        ("a" * 69 + "廉", UCS2, 70, 1),  # one Chinese character switches the whole text to UCS-2
        ("😀" * 35, UCS2, 70, 1),  # an emoji is two UTF-16 units
        ("😀" * 36, UCS2, 72, 2),
        ("【清河市纪委监委】节日期间严禁公款吃喝", UCS2, 19, 1),
    ],
)
def test_segment_info(text, encoding, units, segments):
    info = segment_info(text)
    assert (info.encoding, info.units, info.segments) == (encoding, units, segments)


def test_per_segment_capacity_drops_when_concatenated():
    assert segment_info("a").per_segment == 160
    assert segment_info("a" * 200).per_segment == 153
    assert segment_info("廉").per_segment == 70
    assert segment_info("廉" * 100).per_segment == 67


def test_cost_is_rounded_to_the_fen(settings):
    settings.SMS_SEGMENT_PRICE = 0.045
    assert estimated_cost(1) == Decimal("0.05")  # half up
    assert estimated_cost(3, recipients=1000) == Decimal("135.00")
    assert estimated_cost(2, recipients=3, price="0.0333") == Decimal("0.20")
    assert estimated_cost(0, recipients=10) == Decimal("0.00")
