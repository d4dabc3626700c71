"""Strict YAML files (the center configuration, the capacity plan and its scenarios): parse
into a pydantic model; every error names the file and the field path."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from wfm.errors import ConfigError

__all__ = ["field_path", "load_yaml_model", "validate_model"]

M = TypeVar("M", bound=BaseModel)


def field_path(loc: tuple[int | str, ...], raw: object) -> str:
    """Turn a pydantic location into a YAML path, naming list items by their id (or name)."""
    parts: list[str] = []
    node = raw
    for key in loc:
        if isinstance(key, int):
            item_id = (
                (node[key].get("id") or node[key].get("name"))
                if isinstance(node, list) and key < len(node) and isinstance(node[key], dict)
                else None
            )
            parts[-1] = f"{parts[-1]}[{item_id or key}]" if parts else f"[{key}]"
        else:
            parts.append(str(key))
        try:
            node = node[key]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            node = None
    return ".".join(parts) or "(top level)"


def validate_model(raw: object, model: type[M], *, source: str) -> M:
    """`raw` (parsed YAML or JSON) as a `model`.

    Raises:
        ConfigError: one line per problem, "source: field.path: message".
    """
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = field_path(tuple(err["loc"]), raw)
            message = err["msg"].removeprefix("Value error, ")
            lines.append(f"{source}: {field}: {message}")
        raise ConfigError("\n".join(lines)) from None


def load_yaml_model(path: str | Path, model: type[M]) -> M:
    """Read a YAML file into `model`.

    Raises:
        ConfigError: the file is missing, is not YAML, or breaks a rule; the message names
            the file and the field path of every problem.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return validate_model(raw, model, source=path.name)
