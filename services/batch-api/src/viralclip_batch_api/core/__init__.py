"""The pure core: no database, broker, clock or network — state machines, validation, parsing."""
