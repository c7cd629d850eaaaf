"""An EDI partner's inbound endpoint (an AS2-style HTTP post of X12 text, the partner's
token in `X-Crossdock-Token`): an 856 ship notice per dispatch."""

from datetime import UTC, datetime
from typing import Any

from services.storefront_gateway.channels import ChannelConfig
from services.storefront_gateway.connectors.http import Endpoint
from services.storefront_gateway.edi.documents import ship_notice
from shared.x12.envelope import Writer


async def send_ship_notice(
    api: Endpoint, channel: ChannelConfig, edi_id: str, payload: dict[str, Any]
) -> None:
    """The interchange is numbered by the queued update, so that a retry sends the very
    same document (the partner's 997 answers it)."""
    when = datetime.now(UTC).strftime("%Y%m%d%H%M")
    control = int(payload["update_id"])
    notice = Writer(edi_id, channel.shop, control, "SH", when)
    notice.add("856", ship_notice({**payload, "shipment_ref": f"ASN{control}"}, when))
    headers = {"content-type": "application/edi-x12"}
    await api.response("POST", "", content=notice.text().encode(), headers=headers)
