"""A mapping's plain paths are read without JMESPath's interpreter, and must read exactly
as JMESPath would: each form checked against jmespath itself on awkward data."""

import jmespath
import pytest

from services.storefront_gateway.mapping.fields import compiled

PATHS = [
    "id",
    "shipping_address.city",
    "shipping_address.phone || phone",
    "email || contact_email || customer.email",
    "[shipping_address.address1, shipping_address.address2]",
    "shipping_lines[0].code",  # not plain: JMESPath reads it
]
DATA = [
    None,
    {},
    {"id": 0, "phone": "", "email": False, "contact_email": "a@b.c"},
    {"shipping_address": None, "phone": "+49", "customer": {"email": "c@d.e"}},
    {"shipping_address": "a string", "email": [], "contact_email": {}},
    {"shipping_address": {"city": "", "phone": 0, "address1": "Main 1"}},
    {"shipping_address": {"city": "Köln", "phone": None, "address2": None}, "phone": "1"},
    {"shipping_lines": [{"code": "STD"}], "id": [1, 2]},
    ["not", "an", "object"],
]


@pytest.mark.parametrize("path", PATHS)
def test_a_path_reads_what_jmespath_reads(path: str) -> None:
    for data in DATA:
        assert compiled(path)(data) == jmespath.search(path, data), (path, data)


def test_a_path_is_built_once() -> None:
    assert compiled("shipping_address.zip") is compiled("shipping_address.zip")
