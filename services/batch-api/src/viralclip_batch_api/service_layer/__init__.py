"""Use cases: each loads through the repository, calls the core and stores in one write."""
