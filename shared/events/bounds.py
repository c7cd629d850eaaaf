"""What every service can store, checked in the events themselves, so that a value the
edge accepts can always be carried to the end (never accepted, then dead-lettered).

Quantities stay far inside PostgreSQL's `integer` even summed over many lines; amounts
inside `bigint` likewise. What a SKU may be is checked wherever one enters the hub
(orders, refunds, shipments, returns, cross-references, stock feeds).

A SKU starts with a letter or a digit and holds no control characters: one starting with
`=`, `+`, `-` or `@` would run as a formula in the spreadsheet an export lands in (CSV
injection), and a NUL cannot be stored at all.
"""

import re
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_QUANTITY = 1_000_000  # units on one line, one shipment or one count
MAX_MINOR = 10**13  # one amount, in minor units (a hundred billion dollars)

Quantity = Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
PositiveQuantity = Annotated[int, Field(gt=0, le=MAX_QUANTITY)]
MinorAmount = Annotated[int, Field(ge=0, le=MAX_MINOR)]

SKU_PATTERN = re.compile(r"[A-Za-z0-9][^\x00-\x1f\x7f]{0,99}")


def sku_problem(sku: str) -> str | None:
    """Why `sku` cannot be one, or None."""
    if SKU_PATTERN.fullmatch(sku):
        return None
    return (
        f"SKU {sku[:40]!r} must start with a letter or digit, hold no control characters"
        " and have at most 100 characters"
    )


def _checked(sku: str) -> str:
    problem = sku_problem(sku)
    if problem:
        raise ValueError(problem)
    return sku


Sku = Annotated[str, AfterValidator(_checked)]
