"""Wiring of the accounting-poster.

Run: `uvicorn services.accounting_poster.app:create_app --factory`.
"""

from fastapi import FastAPI

from shared.config import HubSettings
from shared.runtime import ServiceRuntime
from shared.topics import ACCOUNTING_POSTER


class AccountingPosterSettings(HubSettings):
    http_port: int = 8004


def create_app(settings: AccountingPosterSettings | None = None) -> FastAPI:
    settings = settings or AccountingPosterSettings()
    runtime = ServiceRuntime(ACCOUNTING_POSTER, settings, "services.accounting_poster.migrations")
    return runtime.http_app("Crossdock accounting-poster", __doc__ or "", [])
