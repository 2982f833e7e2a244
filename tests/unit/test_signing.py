"""Tests for ``ecrkit._signing`` (SigV4).

* the classic AWS SigV4 suite as vendored by botocore (vectors §1a);
* the aws-c-auth v4 suite in header and query (presign) mode (vectors §1b);
* property-based equality with botocore's ``SigV4Auth`` / ``SigV4QueryAuth``;
* :class:`PreparedSigner` (the API call path's) equal to :func:`sign_request`, on the
  suite and property-based, one prepared signer reused across bodies, times and tokens;
* the signing-key cache and secret hygiene.

No vector case is skipped: the four botocore skips (``get-space`` and the
repeated/ordered query keys) pass here because requests are parsed by hand and
the query is kept as an ordered list of pairs.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

import botocore.auth
import pytest
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from multidict import MultiDict

from ecrkit._exceptions import CredentialsError
from ecrkit._signing import (
    PreparedSigner,
    canonical_request,
    presign_url,
    sign_request,
    signing_key,
    string_to_sign,
)
from tests._hypothesis import examples
from tests._pins import needs_pinned_botocore
from tests._vectors import vectors_available, vectors_dir

ACCESS_KEY = "AKIDEXAMPLE"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
SUITE_NOW = datetime(2015, 8, 30, 12, 36, 0, tzinfo=UTC)
BOTOCORE_SUITE = ("sigv4", "botocore-aws4_testsuite")
CRT_SUITE = ("sigv4", "aws-c-auth-v4")


# --------------------------------------------------------------------------- helpers


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("\r", "")


def _parse_request(text: str) -> tuple[str, str, MultiDict[str], bytes]:
    """Parse a raw test-suite request: (method, URL, headers, body).

    Headers keep repeats and order; folded continuation lines are joined with a
    space. The request target may hold raw spaces and UTF-8, so it is taken as
    everything between the method and the final ``HTTP/1.1``.
    """
    head, _, body = text.partition("\n\n")
    lines = head.split("\n")
    method, _, rest = lines[0].partition(" ")
    target = rest.rpartition(" ")[0]
    pairs: list[list[str]] = []
    for line in lines[1:]:
        if line[:1] in (" ", "\t"):
            pairs[-1][1] += " " + line.strip()
        elif line:
            name, _, value = line.partition(":")
            pairs.append([name, value])
    headers: MultiDict[str] = MultiDict((name, value) for name, value in pairs)
    return method, f"https://{headers['Host']}{target}", headers, body.encode()


def _signature_of(authorization: str) -> str:
    return authorization.rpartition("Signature=")[2]


def _case_params(suite: tuple[str, str], marker: str) -> list[Any]:
    """One pytest param per case directory (relative path), or one skipped param."""
    if not vectors_available(*suite):
        reason = f"shared vectors {'/'.join(suite)} not available (set ECRKIT_VECTORS)"
        return [pytest.param(None, id="no-vectors", marks=pytest.mark.skip(reason=reason))]
    root = vectors_dir(*suite)
    cases = sorted(p.parent.relative_to(root).as_posix() for p in root.rglob(marker))
    return [pytest.param(case, id=case) for case in cases]


# ------------------------------------------------------- §1a botocore-aws4_testsuite


@pytest.mark.parametrize("case", _case_params(BOTOCORE_SUITE, "*.req"))
def test_botocore_aws4_testsuite(case: str) -> None:
    folder = vectors_dir(*BOTOCORE_SUITE) / case
    name = folder.name
    method, url, headers, body = _parse_request(_read(folder / f"{name}.req"))
    creq = _read(folder / f"{name}.creq")
    token = None
    for line in creq.split("\n"):
        if line.startswith("x-amz-security-token:"):
            token = line.partition(":")[2]
    signed_headers = MultiDict(headers)
    if token and "x-amz-security-token" not in {k.lower() for k in headers}:
        signed_headers["X-Amz-Security-Token"] = token

    actual_creq = canonical_request(
        method=method, url=url, headers=signed_headers, payload_hash=_sha256(body)
    )
    assert actual_creq == creq
    sts = string_to_sign(
        timestamp="20150830T123600Z", region="us-east-1", service="service", canonical_request=creq
    )
    assert sts == _read(folder / f"{name}.sts")
    added = sign_request(
        method=method,
        url=url,
        headers=headers,
        body=body,
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        session_token=token,
        region="us-east-1",
        service="service",
        now=SUITE_NOW,
    )
    assert added["Authorization"] == _read(folder / f"{name}.authz")
    assert added["X-Amz-Date"] == "20150830T123600Z"
    prepared = PreparedSigner(
        method=method, url=url, headers=headers, region="us-east-1", service="service"
    )
    assert (
        prepared.sign(
            body=body,
            access_key=ACCESS_KEY,
            secret_key=SECRET_KEY,
            session_token=token,
            now=SUITE_NOW,
        )
        == added
    )


# ------------------------------------------------------------ §1b aws-c-auth v4 suite


def _crt_case(case: str) -> tuple[Path, dict[str, Any], tuple[str, str, MultiDict[str], bytes]]:
    folder = vectors_dir(*CRT_SUITE) / case
    context = json.loads(_read(folder / "context.json"))
    assert context["timestamp"] == "2015-08-30T12:36:00Z"
    return folder, context, _parse_request(_read(folder / "request.txt"))


def _crt_kwargs(context: dict[str, Any]) -> dict[str, Any]:
    creds = context["credentials"]
    return {
        "access_key": creds["access_key_id"],
        "secret_key": creds["secret_access_key"],
        "session_token": creds.get("token"),
        "region": context["region"],
        "service": context["service"],
        "now": SUITE_NOW,
        "normalize_path": context["normalize"],
        "omit_session_token": context.get("omit_session_token", False),
    }


def _header_pairs(signed_request: str) -> set[tuple[str, str]]:
    _, _, headers, _ = _parse_request(signed_request)
    return {(name.lower(), value) for name, value in headers.items()}


@pytest.mark.parametrize("case", _case_params(CRT_SUITE, "context.json"))
def test_aws_c_auth_header_signing(case: str) -> None:
    folder, context, (method, url, headers, body) = _crt_case(case)
    kwargs = _crt_kwargs(context)
    added = sign_request(
        method=method,
        url=url,
        headers=headers,
        body=body,
        add_content_sha256=context["sign_body"],
        **kwargs,
    )
    # The canonical request of what was signed: the request plus the added headers
    # (an omitted session token is sent but not signed).
    signed = MultiDict(headers)
    for name, value in added.items():
        if name != "Authorization" and not (
            name == "X-Amz-Security-Token" and kwargs["omit_session_token"]
        ):
            signed[name] = value
    creq = canonical_request(
        method=method,
        url=url,
        headers=signed,
        payload_hash=_sha256(body),
        normalize_path=context["normalize"],
    )
    assert creq == _read(folder / "header-canonical-request.txt")
    sts = string_to_sign(
        timestamp="20150830T123600Z", region="us-east-1", service="service", canonical_request=creq
    )
    assert sts == _read(folder / "header-string-to-sign.txt")
    assert _signature_of(added["Authorization"]) == _read(folder / "header-signature.txt")
    expected_pairs = _header_pairs(_read(folder / "header-signed-request.txt"))
    assert {(name.lower(), value) for name, value in added.items()} <= expected_pairs


@pytest.mark.parametrize("case", _case_params(CRT_SUITE, "context.json"))
def test_aws_c_auth_query_signing(case: str) -> None:
    folder, context, (method, url, headers, body) = _crt_case(case)
    kwargs = _crt_kwargs(context)
    signed_url = presign_url(
        method=method,
        url=url,
        headers=headers,
        body=body,
        expires_in=context["expiration_in_seconds"],
        # aws-c-auth signs every header; botocore's drop of the form content type
        # (post-x-www-form-urlencoded-parameters) is a botocore quirk.
        keep_form_content_type=True,
        **kwargs,
    )
    parts = urlsplit(signed_url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    assert dict(params)["X-Amz-Signature"] == _read(folder / "query-signature.txt")
    # The canonical request is that of the URL without the signature (and
    # without an omitted, hence unsigned, session token).
    unsigned = {"X-Amz-Signature"}
    if kwargs["omit_session_token"]:
        unsigned.add("X-Amz-Security-Token")
    kept = "&".join(p for p in parts.query.split("&") if p.partition("=")[0] not in unsigned)
    creq = canonical_request(
        method=method,
        url=urlunsplit(parts._replace(query=kept)),
        headers=headers,
        payload_hash=_sha256(body),
        normalize_path=context["normalize"],
    )
    assert creq == _read(folder / "query-canonical-request.txt")
    sts = string_to_sign(
        timestamp="20150830T123600Z", region="us-east-1", service="service", canonical_request=creq
    )
    assert sts == _read(folder / "query-string-to-sign.txt")
    # Same parameters as the suite's presigned request (its order is its own).
    request_line = _read(folder / "query-signed-request.txt").partition("\n")[0]
    expected_query = urlsplit(request_line.split(" ", 1)[1].rpartition(" ")[0]).query
    assert sorted(params) == sorted(parse_qsl(expected_query, keep_blank_values=True))


# ------------------------------------------------------------- botocore equivalence
# Inputs stay where both signers are meant to agree: queries are encoded the way
# botocore's serializer encodes them (botocore signs the raw query text; this
# signer decodes and re-encodes it); no "Date" header (botocore then rewrites
# Date instead of adding X-Amz-Date); no caller-supplied x-amz-content-sha256
# (tested separately). For presigning the body is empty and keys are unique:
# SigV4QueryAuth moves a body into the query and keeps one value per key.

_SCHEMES_HOSTS = st.tuples(
    st.sampled_from(["https", "http"]),
    st.sampled_from(
        [
            "api.ecr.us-east-1.amazonaws.com",
            "API.ECR.eu-west-1.amazonaws.com",
            "localhost:4566",
            "127.0.0.1:443",
            "127.0.0.1:80",
            "[::1]:5000",
            "user:pw@example.com",
        ]
    ),
)
_SEGMENT = st.one_of(
    st.sampled_from(["", ".", "..", "%2F", "%41", "a%20b", "%", "~user"]),
    st.text(
        alphabet=st.characters(
            codec="utf-8", exclude_categories=("Cc", "Cs"), exclude_characters="?#/"
        ),
        max_size=8,
    ),
)
_PATHS = st.one_of(
    st.just(""), st.lists(_SEGMENT, max_size=5).map(lambda segs: "/" + "/".join(segs))
)
_QUERY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=6)
_SPECIAL_HEADERS = [
    "Host",
    "X-Amz-Date",
    "X-Amz-Security-Token",
    "Authorization",
    "User-Agent",
    "Expect",
    "X-Amzn-Trace-Id",
    "Content-Type",
    "X-Amz-Target",
    "Content-Length",
    # Sorting between x-amz-date and x-amz-security-token, and after it: where the
    # dynamic lines of PreparedSigner go.
    "X-Amz-Meta-Owner",
    "x-amz-s",
    "X-Amz-Security-Tokens",
    # Its first value, untrimmed, is the payload hash (any value, as botocore takes it).
    "X-Amz-Content-SHA256",
]
_HEADER_NAMES = st.one_of(
    st.sampled_from(_SPECIAL_HEADERS),
    st.text(alphabet="abcXYZ019-_", min_size=1, max_size=8).filter(
        lambda n: n.lower() not in {"date", "x-amz-content-sha256"}
    ),
).flatmap(
    lambda name: st.sampled_from([name, name.lower(), name.upper()]),
)
_HEADER_VALUES = st.text(
    alphabet=st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cs"),
        include_characters="\t",
    ),
    max_size=12,
)
_TOKENS = st.none() | st.text(alphabet="ABCDEFabcdef0123456789+/=", min_size=1, max_size=40)
_NOW = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31))
_REGIONS = st.sampled_from(["us-east-1", "eu-central-1", "cn-north-1"])
_SERVICES = st.sampled_from(["ecr", "service", "sts"])


@st.composite
def _queries(draw: st.DrawFn, unique_keys: bool) -> str:
    """A wire query string, encoded the way botocore's serializer encodes one."""
    keys = draw(st.lists(_QUERY_TEXT, max_size=4, unique=unique_keys))
    items = []
    for key in keys:
        value = draw(_QUERY_TEXT)
        # A bare key ("k", no "="); never an empty item: botocore signs "a&&b" as
        # having an empty ("", "") pair, this signer drops empty items.
        bare = draw(st.booleans()) and not value and key != ""
        encoded = quote(key, safe="-_.~")
        items.append(encoded if bare else f"{encoded}={quote(value, safe='-_.~')}")
    return "&".join(items)


@st.composite
def _requests(draw: st.DrawFn, presign: bool) -> dict[str, Any]:
    scheme, host = draw(_SCHEMES_HOSTS)
    query = draw(_queries(unique_keys=presign))
    url = f"{scheme}://{host}{draw(_PATHS)}" + (f"?{query}" if query else "")
    pairs = draw(st.lists(st.tuples(_HEADER_NAMES, _HEADER_VALUES), max_size=6))
    if presign:
        # botocore drops only a *first* content-type equal to its default; keep one.
        pairs = [(k, v) for k, v in pairs if k.lower() != "content-type"]
        content_type = draw(
            st.sampled_from(
                [
                    None,
                    "application/x-amz-json-1.1",
                    "application/x-www-form-urlencoded; charset=utf-8",
                ]
            )
        )
        if content_type:
            pairs.append(("Content-Type", content_type))
    return {
        "method": draw(st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "post"])),
        "url": url,
        "headers": MultiDict(pairs),
        "body": b"" if presign else draw(st.binary(max_size=64)),
        "session_token": draw(_TOKENS),
        "region": draw(_REGIONS),
        "service": draw(_SERVICES),
        "now": draw(_NOW),
    }


def _botocore_request(req: dict[str, Any]) -> AWSRequest:
    return AWSRequest(
        method=req["method"], url=req["url"], headers=req["headers"], data=req["body"]
    )


def _botocore_credentials(req: dict[str, Any]) -> Credentials:
    return Credentials(ACCESS_KEY, SECRET_KEY, req["session_token"])


_HYPOTHESIS = settings(
    max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@needs_pinned_botocore
@_HYPOTHESIS
@given(req=_requests(presign=False))
def test_sign_request_matches_botocore(req: dict[str, Any]) -> None:
    aws = _botocore_request(req)
    signer = botocore.auth.SigV4Auth(_botocore_credentials(req), req["service"], req["region"])
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=req["now"]):
        signer.add_auth(aws)
    added = sign_request(access_key=ACCESS_KEY, secret_key=SECRET_KEY, **req)
    assert added["Authorization"] == aws.headers["Authorization"]
    assert added["X-Amz-Date"] == aws.headers["X-Amz-Date"]
    if req["session_token"]:
        assert added["X-Amz-Security-Token"] == aws.headers["X-Amz-Security-Token"]
    else:
        assert "X-Amz-Security-Token" not in added
    assert _prepared_sign(req) == added


def _prepared(req: dict[str, Any]) -> PreparedSigner:
    return PreparedSigner(
        method=req["method"],
        url=req["url"],
        headers=req["headers"],
        region=req["region"],
        service=req["service"],
    )


def _prepared_sign(req: dict[str, Any], signer: PreparedSigner | None = None) -> dict[str, str]:
    return (signer or _prepared(req)).sign(
        body=req["body"],
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        session_token=req["session_token"],
        now=req["now"],
    )


_CALLS = st.lists(
    st.fixed_dictionaries({"body": st.binary(max_size=64), "session_token": _TOKENS, "now": _NOW}),
    min_size=1,
    max_size=4,
)


@_HYPOTHESIS
@given(req=_requests(presign=False), calls=_CALLS)
def test_one_prepared_signer_signs_like_sign_request_call_after_call(
    req: dict[str, Any], calls: list[dict[str, Any]]
) -> None:
    # The API call path prepares once per operation and endpoint, then signs every call
    # with whatever body, time and credentials it has: nothing of one call may stay.
    signer = _prepared(req)
    for call in calls:
        this = {**req, **call}
        expected = sign_request(access_key=ACCESS_KEY, secret_key=SECRET_KEY, **this)
        assert _prepared_sign(this, signer) == expected


def test_a_prepared_signer_uses_a_given_payload_hash_and_token_header() -> None:
    # The two header cases the per-mode templates treat apart: a caller's
    # x-amz-content-sha256 is the payload hash; a caller's x-amz-security-token is signed
    # as given without a session token and replaced by the token with one.
    headers = {"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD", "x-amz-security-token": "given"}
    req: dict[str, Any] = {
        "method": "POST",
        "url": "https://example.com/",
        "headers": headers,
        "body": b"{}",
        "region": "us-east-1",
        "service": "ecr",
        "now": datetime(2024, 1, 2, 3, 4, 5),
    }
    for token in (None, "TOKEN"):
        this = {**req, "session_token": token}
        added = sign_request(access_key=ACCESS_KEY, secret_key=SECRET_KEY, **this)
        assert _prepared_sign(this) == added
    plain = _prepared_sign({**req, "session_token": None})["Authorization"]
    assert "x-amz-content-sha256;x-amz-date;x-amz-security-token," in plain


@needs_pinned_botocore
@_HYPOTHESIS
@given(req=_requests(presign=True), expires=st.integers(min_value=1, max_value=604_800))
def test_presign_url_matches_botocore(req: dict[str, Any], expires: int) -> None:
    aws = _botocore_request(req)
    signer = botocore.auth.SigV4QueryAuth(
        _botocore_credentials(req), req["service"], req["region"], expires=expires
    )
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=req["now"]):
        signer.add_auth(aws)
    ours = presign_url(access_key=ACCESS_KEY, secret_key=SECRET_KEY, expires_in=expires, **req)
    mine, theirs = urlsplit(ours), urlsplit(aws.url)
    assert mine[:3] == theirs[:3]
    mine_q = parse_qsl(mine.query, keep_blank_values=True)
    theirs_q = parse_qsl(theirs.query, keep_blank_values=True)
    assert dict(mine_q) == dict(theirs_q)
    assert sorted(mine_q) == sorted(theirs_q)
    assert dict(mine_q)["X-Amz-Signature"] == dict(theirs_q)["X-Amz-Signature"]
    assert ours == aws.url


@needs_pinned_botocore
def test_unsigned_payload_header_matches_botocore() -> None:
    headers = {"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD", "Content-Type": "application/json"}
    url = "https://api.ecr.us-east-1.amazonaws.com/"
    aws = AWSRequest(method="POST", url=url, headers=headers, data=b"{}")
    signer = botocore.auth.SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "ecr", "us-east-1")
    now = datetime(2024, 1, 2, 3, 4, 5)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=now):
        signer.add_auth(aws)
    added = sign_request(
        method="POST",
        url=url,
        headers=headers,
        body=b"{}",
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        session_token=None,
        region="us-east-1",
        service="ecr",
        now=now,
    )
    assert added["Authorization"] == aws.headers["Authorization"]


# ------------------------------------------------------------------- own behaviour


def _sign(**overrides: Any) -> dict[str, str]:
    kwargs: dict[str, Any] = {
        "method": "POST",
        "url": "https://api.ecr.us-east-1.amazonaws.com/",
        "headers": {"Content-Type": "application/x-amz-json-1.1"},
        "body": b"{}",
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "session_token": "TOKEN-VALUE",
        "region": "us-east-1",
        "service": "ecr",
        "now": datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
    }
    kwargs.update(overrides)
    return sign_request(**kwargs)


def _presign(**overrides: Any) -> str:
    kwargs: dict[str, Any] = {
        "method": "GET",
        "url": "https://example.com/",
        "headers": {},
        "body": b"",
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "session_token": None,
        "region": "us-east-1",
        "service": "ecr",
        "now": datetime(2024, 1, 2, tzinfo=UTC),
        "expires_in": 60,
    }
    kwargs.update(overrides)
    return presign_url(**kwargs)


def test_aware_datetimes_are_converted_to_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    local = _sign(now=datetime(2024, 1, 2, 5, 4, 5, tzinfo=plus_two))
    assert local == _sign(now=datetime(2024, 1, 2, 3, 4, 5))
    assert local == _sign(now=datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert local["X-Amz-Date"] == "20240102T030405Z"
    # Years before 1000 are zero-padded (SigV4's YYYYMMDD), which strftime is not on glibc.
    assert _sign(now=datetime(999, 1, 2, 3, 4, 5))["X-Amz-Date"] == "09990102T030405Z"


def test_path_options() -> None:
    def creq_path(path: str, **options: bool) -> str:
        creq = canonical_request(
            method="GET",
            url=f"https://example.com{path}",
            headers={},
            payload_hash="x",
            **options,
        )
        return creq.split("\n")[1]

    assert creq_path("/a%20b//./c/../~d") == "/a%2520b/~d"
    assert creq_path("/a%20b//c", normalize_path=False) == "/a%2520b//c"
    assert creq_path("/a%20b/%7e/%2F", double_encode=False) == "/a%20b/~/%2F"
    assert creq_path("") == "/"


def test_add_content_sha256_header_is_signed() -> None:
    added = _sign(add_content_sha256=True)
    assert added["X-Amz-Content-SHA256"] == _sha256(b"{}")
    assert "x-amz-content-sha256;x-amz-date;x-amz-security-token," in added["Authorization"]


def test_signing_key_is_cached() -> None:
    signing_key.cache_clear()
    first = _sign()
    info = signing_key.cache_info()
    assert (info.misses, info.hits) == (1, 0)
    assert _sign(headers={"X-Other": "1"}) != first
    assert signing_key.cache_info().hits == 1
    key = signing_key(SECRET_KEY, "20240102", "us-east-1", "ecr")
    assert key is signing_key(SECRET_KEY, "20240102", "us-east-1", "ecr")
    _sign(now=datetime(2024, 1, 3, tzinfo=UTC))  # a new day derives a new key
    assert signing_key.cache_info().misses == 2


@pytest.fixture
def caught_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG):
        yield caplog


def test_secrets_never_leak(caught_logs: pytest.LogCaptureFixture) -> None:
    secret, token = "sEcReT-kEy-123", "ToKeN-456"
    added = _sign(secret_key=secret, session_token=token)
    signature = _signature_of(added["Authorization"])
    url = _presign(secret_key=secret)
    assert secret not in url
    texts = [repr(signing_key), str(signing_key.cache_info()), caught_logs.text]
    bad_calls: list[dict[str, Any]] = [
        {"access_key": ""},
        {"secret_key": ""},
        {"url": "https://example.com:notaport/"},
    ]
    for overrides in bad_calls:
        with pytest.raises((CredentialsError, ValueError)) as excinfo:
            _sign(**{"secret_key": secret, "session_token": token, **overrides})
        texts += [str(excinfo.value), repr(excinfo.value)]
    with pytest.raises(ValueError) as excinfo:
        _presign(secret_key=secret, session_token=token, expires_in=0)
    texts += [str(excinfo.value), repr(excinfo.value)]
    for text in texts:
        assert secret not in text
        assert token not in text
        assert signature not in text
