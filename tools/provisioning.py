"""Creates the topics of the registry (`shared.topics`) on a cluster; idempotent."""

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared.topics import ALL_TOPICS


async def ensure_topics(
    bootstrap_servers: str, prefix: str = "", replication: int = 1
) -> list[str]:
    """Create every missing topic; returns the names created now."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, client_id="crossdock-provisioning"
    )
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(t.qualified(prefix), t.partitions, replication, topic_configs=dict(t.config))
            for t in ALL_TOPICS
            if t.qualified(prefix) not in existing
        ]
        if missing:
            try:
                await admin.create_topics(missing)
            except TopicAlreadyExistsError:
                pass  # another process created them between list and create
        return [t.name for t in missing]
    finally:
        await admin.close()


async def delete_topics(bootstrap_servers: str, prefix: str) -> list[str]:
    """Delete every topic of one prefix (a finished test hub's); returns their names."""
    if not prefix:
        raise ValueError("deleting topics needs a prefix: the hub's own topics, never all")
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap_servers, client_id="crossdock-provisioning"
    )
    await admin.start()
    try:
        mine = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if mine:
            await admin.delete_topics(mine)
        return mine
    finally:
        await admin.close()
