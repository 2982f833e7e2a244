"""Errors and responses survive ``pickle``, ``copy`` and ``model_copy(deep=True)``.

ProcessPoolExecutor callers pickle what a worker returns or raises; an error that
cannot be rebuilt there turns into ``BrokenProcessPool``. Checked: every error class
ecrkit defines (the hand-written tree and every generated ``ServiceError``
subclass, ECR Public's included) with every attribute it carries (``attempts``, modeled members, a waiter's
last response and error), and a response of every operation, as the client returns
it (``response_metadata`` with the HTTP headers included).
"""

from __future__ import annotations

import asyncio
import copy
import pickle
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import botocore.session
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ecrkit.errors
from ecrkit._exceptions import (
    ClientClosedError,
    ConnectionError,
    CredentialsError,
    EcrkitError,
    EndpointResolutionError,
    EventLoopError,
    PaginationError,
    ParamValidationError,
    ResponseParseError,
    ResponseTooLargeError,
    ServiceError,
    TimeoutError,
    TransportError,
    WaiterError,
    WaiterFailureError,
    WaiterTimeoutError,
    WaiterUnexpectedError,
)
from ecrkit._generated.errors import ERROR_CLASSES
from ecrkit._generated_public.errors import ERROR_CLASSES as PUBLIC_ERROR_CLASSES
from ecrkit.models import DescribeImageScanFindingsResponse
from tests._hypothesis import examples
from tests._shapes import wire_values
from tests.reliability.test_hostile_responses import Harness, to_json

SERVICE = botocore.session.get_session().get_service_model("ecr")
OPS = sorted(SERVICE.operation_names)


def _service_error(cls: type[ServiceError]) -> ServiceError:
    body = {"__type": cls.error_code or "Boom", "message": "m"}
    body.update({wire: f"value of {wire}" for wire in cls.modeled_fields.values()})
    error = cls(
        "m", code=cls.error_code, status_code=400, request_id="rid", operation_name="Op", body=body
    )
    error.attempts = 3
    return error


def _waiter_error(cls: type[WaiterError]) -> WaiterError:
    last = _service_error(ERROR_CLASSES["RepositoryNotFoundException"])
    polled = DescribeImageScanFindingsResponse(repository_name="repo")
    return cls("ImageScanComplete", "why", last_response=polled, last_error=last, attempts=7)


def all_errors() -> list[EcrkitError]:
    errors: list[EcrkitError] = [
        EcrkitError("root"),
        ParamValidationError("PutImageRequest", [("tags[0].value", "Field required")]),
        CredentialsError("no credentials"),
        EndpointResolutionError("no endpoint"),
        TransportError("transport"),
        ConnectionError("POST host:443: reset"),
        TimeoutError("POST host:443: read timeout"),
        ResponseParseError("bad", operation_name="Op", status_code=200, request_id="rid"),
        PaginationError("same token twice"),
        ClientClosedError("ECRClient is closed"),
        EventLoopError("this client belongs to another event loop"),
        ResponseTooLargeError("too large", operation_name="Op", status_code=200, request_id="rid"),
        _service_error(ServiceError),
        *(_service_error(cls) for cls in ERROR_CLASSES.values()),
        *(_service_error(cls) for cls in PUBLIC_ERROR_CLASSES.values()),  # ECR Public's
        *(_waiter_error(cls) for cls in (WaiterError, WaiterFailureError, WaiterTimeoutError)),
        _waiter_error(WaiterUnexpectedError),
    ]
    for error in errors:
        if not isinstance(error, WaiterError):
            error.attempts = 3
    return errors


ERRORS = all_errors()


def state(error: BaseException) -> tuple[Any, ...]:
    """What must survive a round trip: class, args, str, every attribute."""
    attrs = {k: state(v) if isinstance(v, BaseException) else v for k, v in vars(error).items()}
    return (type(error), error.args, str(error), attrs)


def test_every_error_class_is_covered() -> None:
    classes = {type(e) for e in ERRORS}
    assert set(ERROR_CLASSES.values()) <= classes
    assert set(PUBLIC_ERROR_CLASSES.values()) <= classes
    hand_written = {
        obj
        for obj in vars(ecrkit._exceptions).values()
        if isinstance(obj, type) and issubclass(obj, EcrkitError)
    }
    assert hand_written <= classes


@pytest.mark.parametrize("error", ERRORS, ids=[type(e).__name__ for e in ERRORS])
@pytest.mark.parametrize("how", ["pickle", "copy", "deepcopy"])
def test_an_error_round_trips(error: EcrkitError, how: str) -> None:
    if how == "pickle":
        back = pickle.loads(pickle.dumps(error))
    elif how == "copy":
        back = copy.copy(error)
    else:
        back = copy.deepcopy(error)
    assert state(back) == state(error)
    assert back.attempts == error.attempts


def _raise(error: BaseException) -> None:
    raise error


def test_an_error_raised_in_a_worker_process_arrives_whole() -> None:
    error = _service_error(ERROR_CLASSES["RepositoryNotFoundException"])
    with ProcessPoolExecutor(max_workers=1) as pool, pytest.raises(ServiceError) as caught:
        pool.submit(_raise, error).result()
    assert state(caught.value) == state(error)


@pytest.fixture(scope="module")
def harness() -> Iterator[tuple[asyncio.Runner, Harness]]:
    with asyncio.Runner() as runner:
        h = Harness()
        yield runner, h
        runner.run(h.client.close())


@pytest.mark.parametrize("op_name", OPS)
@settings(max_examples=examples(5))
@given(data=st.data())
def test_a_response_of_every_operation_round_trips(
    op_name: str, harness: tuple[asyncio.Runner, Harness], data: st.DataObject
) -> None:
    runner, h = harness
    shape = SERVICE.operation_model(op_name).output_shape
    h.body = to_json(data.draw(wire_values(shape, output=True), label="body"))
    resp = runner.run(h.call(op_name))
    for back in (
        pickle.loads(pickle.dumps(resp)),
        copy.copy(resp),
        copy.deepcopy(resp),
        resp.model_copy(deep=True),
        resp.model_copy(),
    ):
        assert type(back) is type(resp)
        assert back == resp
        assert back.to_wire() == resp.to_wire()
        assert back.model_fields_set == resp.model_fields_set
        meta, orig = back.response_metadata, resp.response_metadata
        assert meta == orig
        assert meta.http_headers["X-AMZN-REQUESTID"] == orig.http_headers["x-amzn-requestid"]
