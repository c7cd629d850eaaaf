"""One exception tree for every outbound call to a platform.

Exceptions::

    ConnectorError
    ├── Refused          4xx other than 429, or the item refused: retrying will not help
    ├── Unavailable      timeout, connection failure, 429 or 5xx: try again after `retry_after`
    ├── StaleQuantity    a compare-and-set lost: the channel holds another quantity
    └── Superseded       nothing to do: the channel already applied a later version of ours
"""


class ConnectorError(Exception):
    """Any failure talking to a channel or the ERP."""


class Refused(ConnectorError):
    """The platform refused the call or the item (authentication, validation, unknown)."""


class Unavailable(ConnectorError):
    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class StaleQuantity(ConnectorError):
    def __init__(self, message: str, actual: int | None = None) -> None:
        super().__init__(message)
        self.actual = actual


class Superseded(ConnectorError):
    """A push with a later ledger version already reached the channel."""
