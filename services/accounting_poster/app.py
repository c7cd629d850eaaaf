"""Wiring of the accounting-poster.

Run: `uvicorn services.accounting_poster.app:create_app --factory`.
"""

from pathlib import Path

from fastapi import FastAPI
from pydantic import SecretStr

from services.accounting_poster import repository, subscribers
from services.accounting_poster.api import books_router
from services.accounting_poster.chart import load_chart
from shared.config import HubSettings
from shared.runtime import ServiceRuntime
from shared.topics import ACCOUNTING_POSTER


class AccountingPosterSettings(HubSettings):
    http_port: int = 8004
    chart_file: Path = Path("config/accounts.yaml")
    admin_token: SecretStr


def create_app(settings: AccountingPosterSettings | None = None) -> FastAPI:
    settings = settings or AccountingPosterSettings()
    chart = load_chart(settings.chart_file)
    runtime = ServiceRuntime(ACCOUNTING_POSTER, settings, "services.accounting_poster.migrations")
    subscribers.register(runtime, chart.rules)
    runtime.setup_steps.append(lambda conn: repository.install_chart(conn, chart))
    return runtime.http_app(
        "Crossdock accounting-poster",
        __doc__ or "",
        [books_router(runtime.uow, chart.rules, settings.admin_token.get_secret_value())],
    )
