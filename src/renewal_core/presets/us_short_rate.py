"""United States standard short-rate cancellation table, by days in force.

The commonly published standard short-rate table: the percent of the annual premium
earned for the days a policy has been in force, as day bands covering days 1 to 365
(see :meth:`~renewal_core.pricing.refunds.ShortRateTable.by_days`).

Edition, source and effective date: the standard short-rate table as published in
carriers' and rating bureaus' cancellation tables for annual policies (no edition
date is printed with it). It takes effect for a policy whose cancellation provision
names the standard short-rate table.

Two caveats about the sources:

* days 1 to 54 (5% to 25%) come from one published source only;
* day 157 earns 54% in one source and 53% in another. This preset follows the
  table as printed here: days 154-156 earn 53% and days 157-160 earn 54%. A carrier
  whose table gives 53% for day 157 can build its own copy with the band changed.

Days after 365 (day 366 of a leap-year term) earn 100%. Some carriers also keep a
minimum earned premium (e.g. 25%): pass ``minimum_earned=25`` to
:func:`~renewal_core.pricing.refunds.refund`.

>>> US_STANDARD_SHORT_RATE.percent_for(45), US_STANDARD_SHORT_RATE.percent_for(157)
(Decimal('23'), Decimal('54'))
"""

from __future__ import annotations

from typing import Final

from renewal_core.pricing.refunds import ShortRateTable

__all__ = ["US_STANDARD_SHORT_RATE"]

US_STANDARD_SHORT_RATE: Final = ShortRateTable.by_days(
    [
        (1, 1, 5),
        (2, 2, 6),
        (3, 4, 7),
        (5, 6, 8),
        (7, 8, 9),
        (9, 10, 10),
        (11, 12, 11),
        (13, 14, 12),
        (15, 16, 13),
        (17, 18, 14),
        (19, 20, 15),
        (21, 22, 16),
        (23, 25, 17),
        (26, 29, 18),
        (30, 32, 19),
        (33, 36, 20),
        (37, 40, 21),
        (41, 43, 22),
        (44, 47, 23),
        (48, 51, 24),
        (52, 54, 25),
        (55, 58, 26),
        (59, 62, 27),
        (63, 65, 28),
        (66, 69, 29),
        (70, 73, 30),
        (74, 76, 31),
        (77, 80, 32),
        (81, 83, 33),
        (84, 87, 34),
        (88, 91, 35),
        (92, 94, 36),
        (95, 98, 37),
        (99, 102, 38),
        (103, 105, 39),
        (106, 109, 40),
        (110, 113, 41),
        (114, 116, 42),
        (117, 120, 43),
        (121, 124, 44),
        (125, 127, 45),
        (128, 131, 46),
        (132, 135, 47),
        (136, 138, 48),
        (139, 142, 49),
        (143, 146, 50),
        (147, 149, 51),
        (150, 153, 52),
        (154, 156, 53),
        (157, 160, 54),
        (161, 164, 55),
        (165, 167, 56),
        (168, 171, 57),
        (172, 175, 58),
        (176, 178, 59),
        (179, 182, 60),
        (183, 187, 61),
        (188, 191, 62),
        (192, 196, 63),
        (197, 200, 64),
        (201, 205, 65),
        (206, 209, 66),
        (210, 214, 67),
        (215, 218, 68),
        (219, 223, 69),
        (224, 228, 70),
        (229, 232, 71),
        (233, 237, 72),
        (238, 241, 73),
        (242, 246, 74),
        (247, 250, 75),
        (251, 255, 76),
        (256, 260, 77),
        (261, 264, 78),
        (265, 269, 79),
        (270, 273, 80),
        (274, 278, 81),
        (279, 282, 82),
        (283, 287, 83),
        (288, 291, 84),
        (292, 296, 85),
        (297, 301, 86),
        (302, 305, 87),
        (306, 310, 88),
        (311, 314, 89),
        (315, 319, 90),
        (320, 323, 91),
        (324, 328, 92),
        (329, 332, 93),
        (333, 337, 94),
        (338, 342, 95),
        (343, 346, 96),
        (347, 351, 97),
        (352, 355, 98),
        (356, 360, 99),
        (361, 365, 100),
    ]
)
"""The standard short-rate table, 5% for day 1 up to 100% for days 361 to 365."""
