"""I/O: MongoDB (repository), Kafka (outbox relay, projector), HTTP (webhook sender), files."""
