"""SQL of the EDI door: interchanges had, and the shipments a ship notice names."""

from typing import Any
from uuid import UUID

import asyncpg


async def interchange_had(
    conn: asyncpg.Connection, fulfiller: str, control: str
) -> dict[str, Any] | None:
    record = await conn.fetchrow(
        "SELECT digest, reply, result FROM edi_interchanges WHERE fulfiller = $1 AND control = $2",
        fulfiller,
        control,
    )
    return dict(record) if record else None


async def record_interchange(
    conn: asyncpg.Connection, fulfiller: str, control: str, digest: str, reply: str, result: str
) -> None:
    """The first answer stands: a copy taken at the same time changes nothing."""
    await conn.execute(
        "INSERT INTO edi_interchanges (fulfiller, control, digest, reply, result)"
        " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
        fulfiller,
        control,
        digest,
        reply,
        result,
    )


async def lock_named(conn: asyncpg.Connection, fulfiller: str, name: str) -> list[dict[str, Any]]:
    """This 3PL's shipments under the order name (or our shipment id) a notice gives,
    locked in id order so two notices for one order take turns without deadlock."""
    by_id = _uuid(name)
    records = await conn.fetch(
        "SELECT * FROM shipments WHERE fulfiller = $1"
        " AND (channel_order_name = $2 OR shipment_id = $3)"
        " ORDER BY shipment_id FOR UPDATE",
        fulfiller,
        name,
        by_id,
    )
    return [dict(r) for r in records]


def _uuid(text: str) -> UUID | None:
    try:
        return UUID(text)
    except ValueError:
        return None
