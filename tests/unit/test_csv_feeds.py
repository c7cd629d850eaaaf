"""Real-world CSV: each good row through, each bad one reported by its line."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from shared.csvfeed import CsvFeedError, FeedReport, decoded, rows, whole_number
from shared.feeds import FeedConfig


def read(data: bytes, required: tuple[str, ...] = ("sku", "quantity")) -> tuple[list, FeedReport]:
    report = FeedReport()
    return list(rows(data, required, report)), report


def test_a_byte_order_mark_crlf_and_quoted_commas_are_read_as_meant() -> None:
    data = (
        '\ufeffSKU,Description,Quantity\r\nA-1,"Mug, white",3\r\nB-2,"Tee ""vintage""",0\r\n'
    ).encode()
    found, report = read(data)
    assert [
        (r.line, r.values["sku"], r.values["description"], r.values["quantity"]) for r in found
    ] == [
        (2, "A-1", "Mug, white", "3"),
        (3, "B-2", 'Tee "vintage"', "0"),
    ]
    assert report.rows == 2 and not report.problems


def test_a_semicolon_file_with_blank_and_repeated_rows() -> None:
    data = b"sku;quantity\nA;1\n\n;\nB;2\nA;1\n"
    found, report = read(data)
    assert [r.values["sku"] for r in found] == ["A", "B"]
    assert report.skipped == [{"line": 6, "reason": "repeats line 2"}]


def test_a_row_with_the_wrong_number_of_fields_is_reported_by_line() -> None:
    found, report = read(b"sku,quantity\nA,1\nB,2,extra\nC,3\n")
    assert [r.values["sku"] for r in found] == ["A", "C"]
    assert report.problems == [{"line": 3, "reason": "3 fields where the header has 2"}]


def test_a_missing_column_refuses_the_whole_file() -> None:
    with pytest.raises(CsvFeedError, match=r"line 1: missing column\(s\) quantity"):
        read(b"sku,qty\nA,1\n")


def test_counts_must_be_whole_numbers() -> None:
    [row], _ = read(b"sku,quantity\nA,ten\n")
    with pytest.raises(ValueError, match="quantity: 'ten' is not a whole number"):
        whole_number(row, "quantity")


def test_a_row_with_a_nul_character_is_that_rows_problem() -> None:
    from shared.csvfeed import FeedReport, rows

    report = FeedReport()
    found = list(rows(b"sku,qty\nA\x00B,1\nC,2\n", ("sku", "qty"), report))
    assert [r.values["sku"] for r in found] == ["C"]
    assert report.problems == [{"line": 2, "reason": "a NUL character, which cannot be stored"}]


def test_a_legacy_export_is_read_in_its_encoding() -> None:
    assert decoded("Müsli".encode()) == ("Müsli", "utf-8")
    assert decoded("\ufeffMüsli".encode()) == ("Müsli", "utf-8")
    assert decoded("Müsli – 5 €".encode("cp1252")) == ("Müsli – 5 €", "cp1252")
    assert decoded(b"\x81\xe9") == ("\x81é", "latin-1")  # 0x81 is no cp1252 character
    assert decoded("Grün".encode("latin-1"), "latin-1") == ("Grün", "latin-1")


def test_a_named_encoding_the_file_is_not_in_refuses_the_file() -> None:
    with pytest.raises(CsvFeedError, match="not utf-8"):
        decoded("Grün".encode("latin-1"), "utf-8")


def test_a_feed_names_only_encodings_that_exist() -> None:
    with pytest.raises(ValidationError, match="unknown encoding 'klingon'"):
        FeedConfig(id="f", kind="inventory", folder=Path("/tmp"), encoding="klingon")
