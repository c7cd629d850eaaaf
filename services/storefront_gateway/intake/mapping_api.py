"""Mappings you can see and test: dry-run a connector's mapping (the one loaded, or a new
version sent along) against sample payloads; cross-reference tables in and out."""

import asyncio
import json
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field, ValidationError

from services.storefront_gateway.channels import MAPPED_BY_FILE, WEBHOOKS_BY_FILE, Platform
from services.storefront_gateway.domain import MappingError, first_error
from services.storefront_gateway.intake.deps import IntakeParts, Parts
from services.storefront_gateway.intake.remap import KINDS, remap
from services.storefront_gateway.mapping import xref
from services.storefront_gateway.mapping.engine import Mapper, Resolve
from services.storefront_gateway.mapping.spec import MappingFileError, parse_mapping
from shared.auth import require_admin
from shared.bounded import InputRejected, check_tree
from shared.db import UnitOfWork
from shared.deps import Uow, UowFactory

DEFAULT_TOPICS = {
    "shopify": "orders/create",
    "woocommerce": "order.created",
    "marketplace": "order.created",
    "pos": "sale",
}


MAX_PAYLOADS = 100


class DryRun(BaseModel):
    payloads: list[Any] = Field(min_length=1, max_length=MAX_PAYLOADS)
    mapping: str | None = Field(
        None, max_length=256_000, description="A new version of the mapping file (YAML)."
    )
    topic: str | None = Field(None, description="Shopify/WooCommerce topic of the payloads.")


router = APIRouter(tags=["mapping"])


@router.post("/mappings/{connector}/test")
async def dry_run(connector: str, run: DryRun, units: UowFactory, parts: Parts) -> dict[str, Any]:
    """Each payload's canonical event, or exactly which field failed and why.
    Nothing is stored or published."""
    channel = parts.channels.by_id(connector)
    if channel is None:
        raise HTTPException(404, f"no connector {connector!r} (a channel id)")
    try:
        check_tree(run.payloads)
        # Parsing a sent mapping is the costly part: off the event loop, so webhooks
        # keep being answered meanwhile (its size and shape are bounded too).
        mapper = await asyncio.to_thread(
            _mapper, run, channel.platform, parts.mappers.get(connector), parts.resolve
        )
    except InputRejected as exc:
        raise HTTPException(422, f"payloads refused: {exc}") from exc
    except MappingFileError as exc:
        raise HTTPException(422, str(exc)) from exc
    results = [
        await _one(n, payload, channel, mapper, run.topic, parts, units)
        for n, payload in enumerate(run.payloads)
    ]
    failed = sum(1 for r in results if "error" in r)
    return {"connector": connector, "payloads": len(results), "failed": failed, "results": results}


@router.put("/xref", dependencies=[Depends(require_admin)])
async def load_xref(request: Request, uow: Uow) -> dict[str, Any]:
    """A CSV with a `sku` column and one column per other system."""
    text = (await request.body()).decode("utf-8", errors="replace")
    rows, report = xref.parse_csv(text)
    async with uow:
        await xref.store(uow.connection, rows)
        await uow.commit()
    return {"loaded": report.loaded, "problems": report.problems}


@router.get("/xref/skus/{sku}")
async def identifiers(sku: str, uow: Uow) -> dict[str, Any]:
    async with uow:
        found = await xref.identifiers_of(uow.connection, sku)
    if not found:
        raise HTTPException(404, f"no identifiers recorded for SKU {sku}")
    return {"sku": sku, "identifiers": found}


@router.get("/xref/{system}/{identifier}")
async def sku_of(system: str, identifier: str, uow: Uow) -> dict[str, str]:
    async with uow:
        sku = await xref.sku_for(uow.connection, system, identifier)
    if sku is None:
        raise HTTPException(404, f"no SKU for {system} {identifier!r}")
    return {"system": system, "identifier": identifier, "sku": sku}


def _mapper(
    run: DryRun, platform: Platform, loaded: Mapper | None, resolve: Resolve
) -> Mapper | None:
    if run.mapping is not None:
        if platform not in MAPPED_BY_FILE:
            raise MappingFileError(f"{platform.value} orders are not mapped by a file")
        return Mapper(parse_mapping(run.mapping, "<mapping sent>"), resolve)
    if loaded is not None and platform in WEBHOOKS_BY_FILE:
        return Mapper(loaded.spec, resolve)
    return None  # as its deliveries are mapped: by topic, through the channel's mapping


async def _one(
    n: int,
    payload: Any,
    channel: Any,
    mapper: Mapper | None,
    topic: str | None,
    parts: IntakeParts,
    uow_factory: Callable[[], UnitOfWork],
) -> dict[str, Any]:
    try:
        if mapper is not None:
            if mapper.kind(payload) is None:
                return {"payload": n, "ignored": "the mapping handles no such payload"}
            kind = KINDS.get(topic) if topic else None
            event = (await mapper.map(payload, channel, kind)).event
        else:
            row = {
                "channel": channel.id,
                "platform": channel.platform.value,
                "topic": topic or DEFAULT_TOPICS.get(channel.platform.value, ""),
                "body": json.dumps(payload).encode(),
            }
            async with uow_factory() as uow:
                mapped = await remap(row, parts.channels, parts.mappers, uow.connection)
            event = mapped().event
    except MappingError as exc:
        return {"payload": n, "error": str(exc)}
    except ValidationError as exc:
        return {"payload": n, "error": first_error(exc)}
    return {"payload": n, "event": event.model_dump(mode="json")}
