"""Generate the committed JSON Schemas: `python -m viralclip_contracts.schema_export [DIR]`."""

import json
import sys
from pathlib import Path

from . import EVENT_BY_TOPIC


def generated_schemas() -> dict[str, str]:
    """File name → JSON Schema text, one per event topic."""
    return {
        f"{topic}.schema.json": json.dumps(model.model_json_schema(mode="validation"), indent=2) + "\n"
        for topic, model in EVENT_BY_TOPIC.items()
    }


def main() -> None:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[2] / "schemas"
    target.mkdir(parents=True, exist_ok=True)
    for name, text in generated_schemas().items():
        (target / name).write_text(text)
        print(f"wrote {target / name}")


if __name__ == "__main__":
    main()
