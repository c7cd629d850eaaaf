"""The order-id key of tests that build channels themselves (a hub has its own)."""

TEST_ORDER_ID_KEY = b"unit-tests-only-order-id-key-0123456789"
