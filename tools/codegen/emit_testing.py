"""The typed face of ``ecrkit.testing.Stubber``: ``add_response`` overloaded per operation.

The Stubber itself is hand-written and knows no service (``ecrkit/testing/_stubber.py``);
this module only emits a subclass whose ``add_response`` has one overload per operation
(its ``Literal`` method name and its response model, or a dict of it) and whose
``add_client_error`` takes the ``Literal`` union of the method names. A misspelled name,
or the response of another operation, is then a static error.
"""

from __future__ import annotations

from .emit_client import type_only_imports
from .emit_models import placement
from .ir import Service
from .typemap import Refs

_RESPONSE_DOC = (
    '        """Queue ``response`` for the next call of ``operation`` (a response model or\n'
    "        its dict, checked against the model now), optionally checking the call's\n"
    '        parameters against ``expected_params`` (snake_case keys, ``ANY`` at any depth)."""\n'
)
_ERROR_DOC = (
    '        """Queue an error for the next call of ``operation``: it raises the modeled\n'
    "        class of ``code`` (plain ``ServiceError`` for an unmodeled code) with\n"
    '        ``message``, ``http_status_code``, a request id and ``modeled_fields``."""\n'
)


def render_testing(svc: Service) -> tuple[str, list[str]]:
    """Source of ``_generated/testing.py`` and the names it exports."""
    where = placement(svc)
    refs = Refs()
    ops = sorted(
        (op for op in svc.operations.values() if op.input and op.output), key=lambda o: o.py_name
    )
    client, stubber = svc.spec.client_class, svc.spec.stubber_class
    names = f"{client.removesuffix('Client')}OperationName"
    overloads = []
    for op in ops:
        assert op.output
        refs.structures.add(op.output)
        overloads.append(
            "    @overload\n"
            "    def add_response(\n"
            f"        self,\n        operation: Literal[{op.py_name!r}],\n"
            f"        response: {op.output} | Mapping[str, Any],\n"
            "        *,\n        expected_params: Mapping[str, Any] | None = None,\n"
            "    ) -> None: ...\n\n"
        )
    literal = "".join(f"    {op.py_name!r},\n" for op in ops)
    source = (
        "from __future__ import annotations\n\n"
        "from collections.abc import Awaitable, Callable, Mapping\n"
        "from typing import TYPE_CHECKING, Any, Literal, TypeAlias, overload\n\n"
        "from ecrkit.testing._stubber import BaseStubber\n\n"
        "if TYPE_CHECKING:\n"
        f"    from .client import {client}\n"
        f"{type_only_imports(svc, refs, where)}\n"
        f"__all__ = [{names!r}, {stubber!r}]\n\n"
        "#: The snake_case method names of the client's operations.\n"
        f"{names}: TypeAlias = Literal[\n{literal}]\n\n\n"
        f"class {stubber}(BaseStubber):\n"
        f'    """A Stubber for an {client}, typed per operation (see ecrkit.testing)."""\n\n'
        "    def __init__(\n"
        f"        self, client: {client}, *, sleep: Callable[[float], Awaitable[object]] | None = None\n"
        "    ) -> None:\n"
        "        super().__init__(client, sleep=sleep)\n\n"
        + "".join(overloads)
        + "    def add_response(\n"
        "        self,\n        operation: str,\n        response: Any,\n        *,\n"
        "        expected_params: Mapping[str, Any] | None = None,\n"
        "    ) -> None:\n"
        + _RESPONSE_DOC
        + "        self._add_response(operation, response, expected_params)\n\n"
        "    def add_client_error(\n"
        "        self,\n"
        f"        operation: {names},\n"
        '        code: str = "ServiceException",\n'
        '        message: str = "",\n'
        "        *,\n"
        "        http_status_code: int = 400,\n"
        "        expected_params: Mapping[str, Any] | None = None,\n"
        "        modeled_fields: Mapping[str, Any] | None = None,\n"
        "    ) -> None:\n" + _ERROR_DOC + "        self._add_client_error(\n"
        "            operation, code, message, http_status_code, expected_params, modeled_fields\n"
        "        )\n"
    )
    return source, [names, stubber]
