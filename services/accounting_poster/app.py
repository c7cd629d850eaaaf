"""Wiring of the accounting-poster.

Run: `uvicorn services.accounting_poster.app:create_app --factory`.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
from fastapi import FastAPI

from services.accounting_poster import api as books
from services.accounting_poster import repository, subscribers
from services.accounting_poster.chart import Chart, ChartError, load_chart
from services.accounting_poster.export_client import AccountingClient
from services.accounting_poster.export_sender import ExportSender
from services.accounting_poster.metrics import BooksCounter, BooksMetrics
from services.accounting_poster.oauth import TokenKeeper
from shared.config import HubSettings
from shared.runtime import ServiceRuntime
from shared.topics import ACCOUNTING_POSTER


class AccountingPosterSettings(HubSettings):
    http_port: int = 8004
    chart_file: Path = Path("config/accounts.yaml")


def create_app(settings: AccountingPosterSettings | None = None) -> FastAPI:
    settings = settings or AccountingPosterSettings()
    chart = load_chart(settings.chart_file)
    runtime = ServiceRuntime(ACCOUNTING_POSTER, settings, "services.accounting_poster.migrations")
    check_export_secrets(chart)
    subscribers.register(runtime, chart.rules)
    runtime.setup_steps.append(lambda conn: repository.install_chart(conn, chart))
    books_metrics = BooksMetrics(runtime.metrics.registry)
    targets = [target.id for target in chart.exports]

    @asynccontextmanager
    async def exporting(_: FastAPI) -> AsyncIterator[None]:
        async with httpx.AsyncClient() as http:
            client = AccountingClient(http, TokenKeeper(runtime.pool, http))
            sender = ExportSender(runtime.pool, settings.database_url, chart.exports, client)
            counter = BooksCounter(runtime.pool, books_metrics, targets)
            await sender.start()
            await counter.start()
            try:
                yield
            finally:
                await counter.stop()
                await sender.stop()

    app = runtime.http_app(
        "Crossdock accounting-poster", __doc__ or "", [books.router], extra_lifespan=exporting
    )
    app.state.rules = chart.rules  # what the routes post with (api.posting_rules)
    return app


def check_export_secrets(chart: Chart) -> None:
    """Every export target's secrets are in the environment — its token, or its OAuth
    client and first refresh token; a missing one fails start-up."""
    names = []
    for target in chart.exports:
        if target.oauth is None:
            names.append(target.token_env or "")
        else:
            oauth = target.oauth
            names += [oauth.client_id_env, oauth.client_secret_env]
    missing = [n for n in names if not os.environ.get(n)]
    if missing:
        raise ChartError(f"export secrets not set in the environment: {', '.join(missing)}")
