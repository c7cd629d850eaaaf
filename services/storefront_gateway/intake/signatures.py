"""Webhook signatures: base64(HMAC-SHA256(secret, raw body)), as Shopify and WooCommerce sign.

Always computed over the raw bytes received (never re-serialised JSON) and compared in
constant time.
"""

import base64
import hashlib
import hmac


def sign(secret: bytes, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()


def is_valid(secret: bytes, body: bytes, signature: str | None) -> bool:
    if not signature:
        return False
    return hmac.compare_digest(sign(secret, body).encode(), signature.strip().encode())


def is_valid_hex(secret: bytes, body: bytes, signature: str | None) -> bool:
    """The hex form of the same HMAC, as the marketplace signs its notifications."""
    if not signature:
        return False
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode())
