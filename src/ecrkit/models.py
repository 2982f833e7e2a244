"""Every request, response and shared shape of the ECR API as a Pydantic model.

Field names are the snake_case of the wire names (``imageSizeInBytes`` ->
``image_size_in_bytes``) and each field aliases its wire name, so models accept
either spelling, and ``model.to_wire()`` (the same as
``model.model_dump(by_alias=True, exclude_none=True, mode="json")``) gives the
exact wire JSON. Enum-typed fields accept the known values (the ``...Value``
Literal aliases, or the ``StrEnum`` classes of :mod:`ecrkit.enums`) and keep any
value the service adds later as a plain ``str``.

Names load lazily: ``from ecrkit.models import ImageDetail`` imports only the
module that defines it, so importing ecrkit does not build 219 classes.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._generated._index import MODULES
from ._model import EcrModel as EcrModel
from ._model import build_request as build_request
from ._types import Blob as Blob
from ._types import Document as Document
from ._types import Timestamp as Timestamp

if TYPE_CHECKING:
    from ._generated._index import *  # noqa: F403

__all__ = sorted([*MODULES, "Blob", "Document", "EcrModel", "Timestamp", "build_request"])


def __getattr__(name: str) -> Any:
    module = MODULES.get(name)
    if module is None:
        raise AttributeError(f"module 'ecrkit.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"ecrkit._generated.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
