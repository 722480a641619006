"""The HTTP shell: the FastAPI app, its dependencies, routes, models and event streams."""
