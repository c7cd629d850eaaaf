"""What the console's buttons do, each an existing admin API of the service that owns
the thing: a confirmation page says what will happen, the POST does it, and the outcome
page shows the service's answer. Routed by a table (`ACTIONS`), one entry per button.

Every action is safe to repeat: replays skip what is no longer quarantined or was
replayed already, a retry reopens only rejected exports, an approval of an approved
order is refused by its owner.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from services.storefront_gateway.connectors.hub import SERVICES, HubApi
from services.storefront_gateway.console.domain import as_uuid

Params = dict[str, str]


class BadAction(ValueError):
    """The button's parameters do not name what it acts on (422)."""


@dataclass(frozen=True)
class Action:
    title: str
    describe: Callable[[Params], str]
    perform: Callable[[HubApi, Params], Awaitable[Any]]
    needs_name: bool = False  # who approves is recorded with the approval


def _wanted(params: Params, *names: str) -> list[str]:
    missing = [n for n in names if not params.get(n)]
    if missing:
        raise BadAction(f"missing {', '.join(missing)}")
    return [params[n] for n in names]


def _an_id(text: str, what: str) -> str:
    found = as_uuid(text)
    if found is None:
        raise BadAction(f"{what} is not an id: {text[:60]!r}")
    return str(found)


def _quarantine_choice(params: Params) -> dict[str, Any]:
    if params.get("delivery_id"):
        return {"ids": [_an_id(params["delivery_id"], "delivery_id")]}
    if params.get("reason"):
        return {"reason": params["reason"]}
    raise BadAction("say which delivery (delivery_id) or which reason")


def _describe_quarantine(params: Params) -> str:
    choice = _quarantine_choice(params)
    if "ids" in choice:
        return f"Replay quarantined delivery {choice['ids'][0]} through the current mapping."
    return f"Replay every delivery quarantined for: {choice['reason']}"


async def _replay_quarantine(api: HubApi, params: Params) -> Any:
    return await api.post("storefront-gateway", "/quarantine/replay", _quarantine_choice(params))


def _letter(params: Params) -> tuple[str, int]:
    service, offset = _wanted(params, "service", "offset")
    if service not in SERVICES or not offset.isdigit():
        raise BadAction("a dead letter is a service of the hub and an offset")
    return service, int(offset)


def _describe_letter(params: Params) -> str:
    service, offset = _letter(params)
    return f"Replay dead letter {offset} of {service} through its consumer."


async def _replay_letter(api: HubApi, params: Params) -> Any:
    service, offset = _letter(params)
    return await api.post(service, "/dead-letters/replay", {"offsets": [offset]})


def _describe_exports(params: Params) -> str:
    target = params.get("target")
    return f"Send the rejected exports{f' to {target}' if target else ''} again."


async def _retry_exports(api: HubApi, params: Params) -> Any:
    target = params.get("target")
    if target:
        return await api.post("accounting-poster", "/exports/retry", None, target=target)
    return await api.post("accounting-poster", "/exports/retry")


def _describe_approval(params: Params) -> str:
    order_id = _an_id(_wanted(params, "order_id")[0], "order_id")
    return f"Approve order {order_id}: it is sent on to reserve stock and ship."


async def _approve(api: HubApi, params: Params) -> Any:
    order_id, name = _wanted(params, "order_id", "approved_by")
    order_id = _an_id(order_id, "order_id")
    body = {"approved_by": name[:200], "note": "approved in the ops console"}
    return await api.post("order-router", f"/orders/{order_id}/approve", body)


ACTIONS: dict[str, Action] = {
    "replay-quarantine": Action(
        "Replay quarantined deliveries", _describe_quarantine, _replay_quarantine
    ),
    "replay-dead-letter": Action("Replay a dead letter", _describe_letter, _replay_letter),
    "retry-exports": Action("Retry rejected exports", _describe_exports, _retry_exports),
    "approve-order": Action("Approve a held order", _describe_approval, _approve, needs_name=True),
}  # fmt: skip
