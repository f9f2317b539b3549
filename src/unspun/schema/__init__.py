"""The published JSON Schema of stories.json."""

import json
from importlib import resources


def load_schema() -> dict:
    return json.loads(resources.files(__package__).joinpath("stories.schema.json").read_text(encoding="utf-8"))


def validate(result: dict) -> None:
    """Raise jsonschema.ValidationError if `result` does not match the schema."""
    import jsonschema

    jsonschema.validate(result, load_schema())
