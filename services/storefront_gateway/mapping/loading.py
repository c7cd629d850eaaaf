"""Every channel's mapping, loaded once at start-up: its own file, or its platform's
built-in one (`mapping/platforms/<platform>.yaml`)."""

from pathlib import Path

from services.storefront_gateway.channels import WEBHOOKS_BY_FILE, ChannelConfig, Platform
from services.storefront_gateway.mapping.engine import Mapper, Resolve
from services.storefront_gateway.mapping.spec import MappingSpec, load_mapping

BUILT_IN = Path(__file__).parent / "platforms"


def built_in_mapping(platform: Platform) -> MappingSpec | None:
    """The platform's own mapping (`mapping/platforms/<platform>.yaml`), if it has one."""
    path = BUILT_IN / f"{platform.value}.yaml"
    return load_mapping(path) if path.exists() else None


def load_mappers(channels: list[ChannelConfig], resolve: Resolve) -> dict[str, Mapper]:
    """Every channel's mapping, loaded and validated at start-up: a mapping with an error
    stops the gateway with the file and line, before any webhook arrives. A channel with
    no file of its own maps by its platform's built-in file; one whose file says nothing
    of cancellations takes the built-in's. A json channel's mapping must also say how its
    webhooks are authenticated and told apart."""
    built_ins = {p: built_in_mapping(p) for p in {c.platform for c in channels}}
    mappers = {}
    for channel in channels:
        built_in = built_ins[channel.platform]
        spec = load_mapping(channel.mapping) if channel.mapping else built_in
        if spec is None:
            continue
        if spec.cancellation is None and built_in is not None:
            spec = spec.model_copy(update={"cancellation": built_in.cancellation})
        ready = spec.webhook_ready() if channel.platform in WEBHOOKS_BY_FILE else spec
        mappers[channel.id] = Mapper(ready, resolve)
    return mappers
