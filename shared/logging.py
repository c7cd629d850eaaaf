"""structlog JSON logs, configured once per process at the edge.

Every line on stdout is one JSON object with `service`, `level` and `timestamp`:
structlog's own lines, and those of the libraries that log through the standard library
(uvicorn, FastStream, aiokafka, asyncpg), which are re-rendered by the same processors.
Per-message fields (`consumer`, `event_id`, `correlation_id`) are bound through
contextvars by the consumer runner, so every line logged while handling a message
carries them.
"""

import logging
import sys

import structlog
from structlog.types import EventDict, Processor

# uvicorn.access is left as uvicorn set it: on or off is the operator's choice.
_LIBRARY_LOGGERS = ("uvicorn", "uvicorn.error", "faststream", "aiokafka")


class WithoutQueryStrings(logging.Filter):
    """Access lines name the path only: a query string may carry a credential (a
    ShipStation webhook's token rides there) or personal data."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], args[2].split("?", 1)[0], *args[3:])
        return True


def configure_logging(service: str, level: str = "INFO") -> None:
    def add_service(_: object, __: str, event_dict: EventDict) -> EventDict:
        event_dict.setdefault("service", service)
        return event_dict

    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        add_service,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            *shared,
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stdout),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                structlog.processors.JSONRenderer(),
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level.upper())
    _filter_access_lines()
    for name in _LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        library.handlers = []
        library.propagate = True


def _filter_access_lines() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, WithoutQueryStrings) for f in access.filters):
        access.addFilter(WithoutQueryStrings())
