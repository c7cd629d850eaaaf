"""How exporting an entry can fail.

ExportError
├── ExportRejected      the system refused the entry (4xx other than 429), or its
│   └── TokenRefused    token endpoint refused the refresh token: park it
└── ExportUnavailable   timeout, connection failure, 429 or 5xx: retry later
"""


class ExportError(Exception):
    """Any failure to export an entry."""


class ExportRejected(ExportError):
    """The accounting system refused the entry: retrying will not help."""


class ExportUnavailable(ExportError):
    """The accounting system could not be reached or was overloaded."""
