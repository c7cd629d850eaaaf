"""The `crossdock` commands (typer): each a top-level function, each a thin client of one
service's API; what they print and how they exit is in `tools/cli.py`'s docstring."""

import json
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from tools.cli_hub import DEFAULT_PORTS, FOUND, OK, Service, chunks, emit_json, progress, say, usage

Query = list[tuple[str, str | int | float | bool | None]]
app = typer.Typer(help="Crossdock's command line for operators.", no_args_is_help=True)
quarantine = typer.Typer(help="What could not be mapped: list, show, replay.")
letters = typer.Typer(help="What a service's consumers gave up on: list, show, replay.")
mapping = typer.Typer(help="Dry-run a channel's mapping on sample payloads.")
xref = typer.Typer(help="The SKU cross-reference: load a CSV of sku,<the channel's item>.")
app.add_typer(quarantine, name="quarantine")
app.add_typer(mapping, name="mapping")
app.add_typer(xref, name="xref")

Json = Annotated[bool, typer.Option("--json", help="The answer as JSON, nothing else.")]
Channels = Annotated[list[str] | None, typer.Option("--channel", help="A channel id (all).")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Report only, change nothing.")]


def _gateway() -> Service:
    return Service("storefront-gateway")


@app.command()
def reconcile(
    what: Annotated[str, typer.Argument(help="stock (default) or orders")] = "stock",
    channel: Channels = None,
    since: Annotated[str | None, typer.Option(help="orders: changed since (ISO time)")] = None,
    dry_run: DryRun = False,
    json_: Json = False,
) -> None:
    """Compare each channel's stock with the ledger and heal it, or take in the orders
    its webhooks never delivered. Exit 1 when there were differences or missed orders."""
    if what not in ("stock", "orders"):
        usage(f"reconcile what? stock or orders, not {what!r}")
    found = (_orders if what == "orders" else _stock)(channel or [], since, dry_run, json_)
    raise typer.Exit(FOUND if found else OK)


def _stock(channels: list[str], since: str | None, dry_run: bool, as_json: bool) -> bool:
    gateway, found, reports, tables = _gateway(), False, [], []
    with progress("reconciling channels", len(channels) or None) as advance:
        for chosen in [[c] for c in channels] or [[]]:
            params: Query = [("channel", c) for c in chosen]
            params.append(("dry_run", str(dry_run).lower()))
            params.append(("format", "json" if as_json else "table"))
            answer = gateway.call(
                "POST", "/reconcile", admin=True, params=httpx.QueryParams(params)
            )
            if as_json:
                reports += answer.json()["reports"]
            else:
                tables.append(answer.text.rstrip("\n"))
                found |= int(answer.headers.get("x-crossdock-differences", "0")) > 0
            advance()
    if as_json:
        emit_json(reports)
        return any(r["differences"] for r in reports)
    say("\n".join(tables))
    return found


def _orders(channels: list[str], since: str | None, dry_run: bool, as_json: bool) -> bool:
    params: Query = [("channel", c) for c in channels]
    params.append(("dry_run", str(dry_run).lower()))
    params += [("since", since)] if since else []
    with progress("reading orders back", None):
        answer = _gateway().call(
            "POST", "/orders/reconcile", admin=True, params=httpx.QueryParams(params)
        )
    reports = answer.json()["channels"]
    if as_json:
        emit_json(reports)
    else:
        for report in reports:
            say(f"{report.get('channel')}: {json.dumps(report, ensure_ascii=False)}")
    return any(r["webhooks_silent"] for r in reports)


@mapping.command("test")
def mapping_test(
    channel: str,
    payloads: Annotated[list[Path], typer.Argument(help="JSON payload files", exists=True)],
    new_mapping: Annotated[Path | None, typer.Option("--mapping", exists=True)] = None,
    topic: Annotated[str | None, typer.Option(help="Shopify/WooCommerce topic")] = None,
    json_: Json = False,
) -> None:
    """Exit 1 when a payload does not map."""
    documents = [json.loads(p.read_text(encoding="utf-8-sig")) for p in payloads]
    body: dict[str, Any] = {"payloads": documents, "topic": topic}
    if new_mapping:
        body["mapping"] = new_mapping.read_text()
    run = _gateway().call("POST", f"/mappings/{channel}/test", json=body).json()
    if json_:
        emit_json(run)
    else:
        for path, result in zip(payloads, run["results"], strict=True):
            if "error" in result:
                say(f"{path}: FAILED {result['error']}")
            elif "ignored" in result:
                say(f"{path}: ignored ({result['ignored']})")
            else:
                say(f"{path}: OK\n{json.dumps(result['event'], indent=2, ensure_ascii=False)}")
        say(f"{run['payloads'] - run['failed']} of {run['payloads']} payloads map")
    raise typer.Exit(FOUND if run["failed"] else OK)


@quarantine.command("list")
def quarantine_list(json_: Json = False) -> None:
    """Grouped by reason. Exit 1 when anything is quarantined."""
    found = _gateway().call("GET", "/quarantine").json()
    if json_:
        emit_json(found)
    else:
        for group in found["by_reason"]:
            channels = ", ".join(group["channels"])
            say(f"{group['reason']} — {group['count']} deliveries ({channels})")
        for group in found["lines_by_reason"]:
            say(f"{group['reason']} — {group['count']} lines")
    raise typer.Exit(FOUND if found["by_reason"] else OK)


@quarantine.command("show")
def quarantine_show(id: Annotated[str, typer.Option("--id")], json_: Json = False) -> None:
    emit_json(_gateway().call("GET", f"/quarantine/{id}").json())


Ids = Annotated[list[str] | None, typer.Option("--id", help="A delivery id (as listed).")]
Reason = Annotated[str | None, typer.Option(help="Everything with this reason.")]
Every = Annotated[bool, typer.Option("--all", help="Everything not yet replayed.")]


@quarantine.command("replay")
def quarantine_replay(
    id: Ids = None, reason: Reason = None, all_: Every = False, json_: Json = False
) -> None:
    """Through the current mapping, oldest first, once. Exit 1 when some stay quarantined."""
    choices = _one_choice("ids", id, reason, all_, "--id, --reason, --all")
    results = _replayed(_gateway(), "/quarantine/replay", "ids", choices)
    accepted = sum(1 for r in results if r["status"] == "accepted")
    if json_:
        emit_json({"replayed": len(results), "accepted": accepted, "results": results})
    else:
        for result in results:
            say(f"delivery {result['delivery_id']}: {result['status']} {result['reason'] or ''}")
        say(f"replayed {len(results)}, accepted {accepted}")
    raise typer.Exit(OK if accepted == len(results) else FOUND)


def _replayed(
    service: Service, path: str, key: str, choices: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Every chunk's results; the bar counts what was named (or the one call for all)."""
    named = sum(len(choice.get(key, [])) for choice in choices)
    results: list[dict[str, Any]] = []
    with progress("replaying", named or None) as advance:
        for choice in choices:
            results += service.call("POST", path, admin=True, json=choice).json()["results"]
            advance(len(choice.get(key, [])) or 1)
    return results


def _one_choice(
    key: str, ids: list[Any] | None, reason: str | None, every: bool, names: str
) -> list[dict[str, Any]]:
    """The replay's request bodies: ids in chunks of 100 (each shows on the bar), or one."""
    if sum((bool(ids), reason is not None, every)) != 1:
        usage(f"replay needs exactly one of {names}")
    if ids:
        return [{key: chunk} for chunk in chunks(list(ids), 100)]
    return [{"reason": reason}] if reason is not None else [{"all": True}]


@letters.callback()
def letters_of(
    ctx: typer.Context, service: Annotated[str, typer.Argument(help=", ".join(DEFAULT_PORTS))]
) -> None:
    if service not in DEFAULT_PORTS:
        usage(f"no service {service!r}: one of {', '.join(DEFAULT_PORTS)}")
    ctx.obj = Service(service)


app.add_typer(letters, name="dead-letters")


@letters.command("list")
def letters_list(ctx: typer.Context, json_: Json = False) -> None:
    """Grouped by reason. Exit 1 when any is waiting."""
    found = ctx.obj.call("GET", "/dead-letters").json()
    if json_:
        emit_json(found)
    else:
        for group in found["by_reason"]:
            say(f"{group['reason']} — {group['count']} messages")
    raise typer.Exit(FOUND if found["by_reason"] else OK)


@letters.command("show")
def letters_show(
    ctx: typer.Context, offset: Annotated[int, typer.Option()], json_: Json = False
) -> None:
    emit_json(ctx.obj.call("GET", f"/dead-letters/{offset}").json())


Offsets = Annotated[list[int] | None, typer.Option("--offset", help="A dead letter's offset.")]


@letters.command("replay")
def letters_replay(
    ctx: typer.Context,
    offset: Offsets = None,
    reason: Reason = None,
    all_: Every = False,
    json_: Json = False,
) -> None:
    """Through the consumer that parked each, once. Exit 1 when some did not take."""
    choices = _one_choice("offsets", offset, reason, all_, "--offset, --reason, --all")
    results = _replayed(ctx.obj, "/dead-letters/replay", "offsets", choices)
    replayed = sum(1 for r in results if r["outcome"] == "replayed")
    if json_:
        emit_json({"chosen": len(results), "replayed": replayed, "results": results})
    else:
        for result in results:
            say(f"offset {result['offset']} ({result['consumer']}): {result['outcome']}")
        say(f"replayed {replayed} of {len(results)}")
    raise typer.Exit(OK if replayed == len(results) else FOUND)


@xref.command("load")
def xref_load(file: Annotated[Path, typer.Argument(exists=True)], json_: Json = False) -> None:
    """Rows sent in chunks of 1000 under the file's header. Exit 1 when a row was refused."""
    header, *rows = file.read_text(encoding="utf-8-sig").splitlines()
    loaded, problems = 0, []
    with progress("loading cross-references", len(rows)) as advance:
        for chunk in chunks(rows, 1000):
            body = "\n".join([header, *chunk]) + "\n"
            headers = {"content-type": "text/csv"}
            done = (
                _gateway()
                .call("PUT", "/xref", admin=True, content=body.encode(), headers=headers)
                .json()
            )
            loaded += done["loaded"]
            problems += done["problems"]
            advance(len(chunk))
    if json_:
        emit_json({"loaded": loaded, "problems": problems})
    else:
        for problem in problems:
            say(f"refused: {problem}")
        say(f"loaded {loaded} of {len(rows)} rows")
    raise typer.Exit(FOUND if problems else OK)


def main() -> None:
    app(prog_name="crossdock")
