"""The ERP's REST API (bearer token): changed records since a revision; new accounts,
each created under an `Idempotency-Key`, so a retry after a lost answer makes no second."""

from typing import Any

import httpx

from services.storefront_gateway.connectors.http import Endpoint


class ErpClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str) -> None:
        self._api = Endpoint(http, base_url, {"authorization": f"Bearer {token}"}, "ERP")

    async def changes(self, kind: str, since: int, limit: int = 200) -> tuple[list[Any], int]:
        params = {"since": since, "limit": limit}
        answer = await self._api.call("GET", f"/api/v1/{kind}", params=params)
        return list(answer["items"]), int(answer["next_since"])

    async def create_customer(self, account: dict[str, Any], key: str) -> dict[str, Any]:
        headers = {"idempotency-key": key}
        answer = await self._api.call("POST", "/api/v1/customers", json=account, headers=headers)
        return dict(answer)
