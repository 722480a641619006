"""Apache Kafka (KRaft) and MongoDB in containers via testcontainers — used when a Docker engine answers."""

import contextlib
from collections.abc import Iterator

KAFKA_IMAGE = "apache/kafka:4.1.1"
MONGODB_IMAGE = "mongo:8.0"


def docker_engine_available() -> bool:
    """True when a Docker engine answers (the `docker` client alone is not enough)."""
    try:
        import docker

        client = docker.from_env(timeout=3)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


@contextlib.contextmanager
def container_stack() -> Iterator[dict[str, str]]:
    """Start Kafka in KRaft mode and MongoDB 8 in containers; yield the variables services read."""
    from testcontainers.kafka import KafkaContainer
    from testcontainers.mongodb import MongoDbContainer

    with (
        KafkaContainer(KAFKA_IMAGE).with_kraft() as kafka,
        MongoDbContainer(MONGODB_IMAGE, username=None, password=None) as mongodb,
    ):
        yield {
            "KAFKA_BOOTSTRAP_SERVERS": kafka.get_bootstrap_server(),
            "MONGODB_URI": mongodb.get_connection_url(),
        }
