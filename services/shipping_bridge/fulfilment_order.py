"""The fulfilment order as Crossdock's 3PL API documents it (docs/3pl-api.md): what a
warehouse needs to pick, pack, label and clear a parcel through customs. Pure: the
shipment row in, the request body out."""

from typing import Any

from shared.events.money import to_decimal_string


def fulfilment_order(shipment: dict[str, Any]) -> dict[str, Any]:
    delivery = shipment.get("delivery") or {}
    currency = delivery.get("currency")
    body: dict[str, Any] = {
        "reference": str(shipment["shipment_id"]),
        "order_name": shipment["channel_order_name"],
        "channel": shipment.get("channel"),
        "location": shipment["location"],
        "lines": _lines(shipment, delivery.get("lines"), currency),
        "ship_to": _address(delivery.get("ship_to"), shipment.get("ship_to_country")),
    }
    if method := delivery.get("shipping_method"):
        body["shipping_method"] = {k: method.get(k) for k in ("code", "title", "carrier")}
    if note := delivery.get("customer_note"):
        body["note"] = note
    for when in ("ship_by", "deliver_by"):
        if delivery.get(when):
            body[when] = delivery[when]
    return body


def _lines(
    shipment: dict[str, Any], requested: list[dict[str, Any]] | None, currency: str | None
) -> list[dict[str, Any]]:
    if not requested:  # a shipment accepted before lines carried their details
        return [{"sku": s, "quantity": q} for s, q in shipment["lines"].items()]
    lines = []
    for line in requested:
        item: dict[str, Any] = {"sku": line["sku"], "quantity": line["quantity"]}
        if line.get("title"):
            item["description"] = line["title"]
        if line.get("unit_price_minor") is not None and currency:
            item["unit_price"] = to_decimal_string(line["unit_price_minor"], currency)
            item["currency"] = currency
        lines.append(item)
    return lines


def _address(ship_to: dict[str, Any] | None, country: str | None) -> dict[str, Any]:
    if not ship_to:
        return {"country_code": country}
    street = list(ship_to.get("lines") or [])
    return {
        "name": ship_to.get("name"),
        "company": ship_to.get("company"),
        "address1": street[0] if street else None,
        "address2": street[1] if len(street) > 1 else None,
        "address3": street[2] if len(street) > 2 else None,
        "city": ship_to.get("city"),
        "state": ship_to.get("region"),
        "postal_code": ship_to.get("postal_code"),
        "country_code": ship_to["country"],
        "phone": ship_to.get("phone"),
        "email": ship_to.get("email"),
    }
