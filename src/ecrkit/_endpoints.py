# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false
# pyright: reportUnknownLambdaType=false, reportUnknownMemberType=false
# (this module walks untyped JSON rule documents: their values are Any by nature)
"""A generic evaluator for Smithy endpoint rule sets (``endpoint-rule-set-1.json``).

AWS publishes each service's endpoint logic as data: a tree of rules whose
conditions call a small standard library (``isSet``, ``aws.partition``, ...)
and whose leaves are an endpoint or an error. This module runs such a rule set
against a ``partitions.json`` document, so ecrkit derives its URL exactly as
the official SDKs do without importing botocore. It knows no service: each
generated client hands it its own rule set.

Semantics follow the Smithy rules-engine specification and botocore's
``endpoint_provider``: a condition passes unless it yields ``None`` or
``False``; each rule sees a private copy of its parent's variables; a tree
whose children all fail falls through to the next sibling rule.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple
from urllib.parse import quote, urlsplit

from ecrkit._exceptions import EndpointResolutionError

__all__ = ["Endpoint", "EndpointResolver"]

_Scope = dict[str, Any]

#: ``{{`` / ``}}`` escapes, or ``{Var}`` / ``{Var#getAttr.path[0]}`` references.
_TEMPLATE_RE = re.compile(r"\{\{|\}\}|\{([A-Za-z_]\w*)(?:#([\w.\[\]]+))?\}")
#: One ``getAttr`` path element: ``name``, ``name[3]`` or ``[3]``.
_PATH_PART_RE = re.compile(r"(\w*)(?:\[(\d+)\])?")
#: An RFC 1123 host label (ASCII only, no leading or trailing hyphen).
_HOST_LABEL_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
#: "Formatted like an IP address", the S3 bucket-name rule (not a validity check).
_IPV4_LIKE_RE = re.compile(r"(?:[0-9]{1,3}\.){3}[0-9]{1,3}")
_PARAM_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "stringarray": lambda v: isinstance(v, list | tuple) and all(isinstance(i, str) for i in v),
}
_RULE_TYPES = frozenset({"endpoint", "error", "tree"})


class Endpoint(NamedTuple):
    """A resolved endpoint: the URL and its properties (e.g. ``authSchemes``).

    An endpoint rule may also name headers to send; the client sends none, so they
    are not evaluated (no AWS JSON service's rule set has any: only S3 Control's
    does, and ``tests/unit/test_endpoints.py`` checks every generated service).
    """

    url: str
    properties: Mapping[str, Any]


class _Partition(NamedTuple):
    id: str
    regions: frozenset[str]
    regex: re.Pattern[str]
    outputs: Mapping[str, Any]


class EndpointResolver:
    """Evaluates one endpoint rule set; build once per client, then call :meth:`resolve`."""

    def __init__(self, ruleset: Mapping[str, Any], partitions: Mapping[str, Any]) -> None:
        self._params: dict[str, Mapping[str, Any]] = dict(ruleset.get("parameters", {}))
        self._rules: list[Mapping[str, Any]] = list(ruleset.get("rules", []))
        self._partitions = [
            _Partition(
                id=p["id"],
                regions=frozenset(p.get("regions", {})),
                regex=re.compile(p["regionRegex"]),
                outputs={**p["outputs"], "name": p["id"]},
            )
            for p in partitions["partitions"]
        ]
        if not self._partitions:
            raise EndpointResolutionError("partitions data lists no partitions")
        self._default_partition = next(
            (p for p in self._partitions if p.id == "aws"), self._partitions[0]
        )
        self._functions: dict[str, Callable[..., Any]] = {
            "isSet": lambda v: v is not None,
            "not": lambda v: not v,
            "booleanEquals": _boolean_equals,
            "stringEquals": _string_equals,
            "getAttr": _get_attr,
            "substring": _substring,
            "uriEncode": lambda v: None if v is None else quote(v, safe=""),
            "parseURL": _parse_url,
            "isValidHostLabel": _is_valid_host_label,
            "aws.partition": self._partition,
            "aws.parseArn": _parse_arn,
            "aws.isVirtualHostableS3Bucket": _is_virtual_hostable_s3_bucket,
        }
        for name, spec in self._params.items():
            if str(spec.get("type", "")).lower() not in _PARAM_TYPES:
                raise EndpointResolutionError(
                    f"parameter {name}: unknown type {spec.get('type')!r}"
                )
        for rule in self._rules:
            self._check_rule(rule)

    def resolve(self, params: Mapping[str, Any]) -> Endpoint:
        """Resolve the endpoint for ``params`` (rule-set names, e.g. ``Region``, ``UseFIPS``).

        Raises :class:`EndpointResolutionError` for an error rule, bad parameters,
        or when no rule matches.
        """
        scope = self._bind(params)
        for rule in self._rules:
            endpoint = self._eval_rule(rule, scope)
            if endpoint is not None:
                return endpoint
        shown = ", ".join(f"{k}={v!r}" for k, v in sorted(scope.items()))
        raise EndpointResolutionError(f"No endpoint rule matched the parameters: {shown}")

    # -- setup --------------------------------------------------------------

    def _check_rule(self, rule: Mapping[str, Any]) -> None:
        """Reject unknown rule types and functions up front, not on first use."""
        kind = rule.get("type")
        if kind not in _RULE_TYPES:
            raise EndpointResolutionError(f"unknown endpoint rule type {kind!r}")
        self._check_expr([rule.get("conditions"), rule.get("endpoint"), rule.get("error")])
        for child in rule.get("rules", []) if kind == "tree" else ():
            self._check_rule(child)

    def _check_expr(self, expr: Any) -> None:
        if isinstance(expr, Mapping):
            if "fn" in expr and expr["fn"] not in self._functions:
                raise EndpointResolutionError(f"unsupported endpoint rule function {expr['fn']!r}")
            self._check_expr(list(expr.values()))
        elif isinstance(expr, list):
            for item in expr:
                self._check_expr(item)

    def _bind(self, params: Mapping[str, Any]) -> _Scope:
        """Apply defaults and check required parameters and types."""
        unknown = sorted(set(params) - set(self._params))
        if unknown:
            raise EndpointResolutionError(f"Unknown endpoint parameter(s): {', '.join(unknown)}")
        scope: _Scope = {}
        for name, spec in self._params.items():
            value = params.get(name)
            if value is None:
                value = spec.get("default")
            if value is None:
                if spec.get("required"):
                    raise EndpointResolutionError(f"Missing required endpoint parameter {name}")
                continue
            kind = str(spec["type"]).lower()
            if not _PARAM_TYPES[kind](value):
                raise EndpointResolutionError(
                    f"Endpoint parameter {name} must be a {spec['type']}, not {type(value).__name__}"
                )
            scope[name] = list(value) if kind == "stringarray" else value
        return scope

    # -- evaluation ---------------------------------------------------------

    def _eval_rule(self, rule: Mapping[str, Any], parent: _Scope) -> Endpoint | None:
        """Return the rule's endpoint, raise its error, or None when it does not apply."""
        scope = dict(parent)
        for condition in rule.get("conditions", []):
            result = self._value(condition, scope)
            if result is None or result is False:
                return None
            if "assign" in condition:
                name = condition["assign"]
                if name in scope:
                    raise EndpointResolutionError(f"rule variable {name!r} is already bound")
                scope[name] = result
        kind = rule["type"]
        if kind == "tree":
            for child in rule["rules"]:
                endpoint = self._eval_rule(child, scope)
                if endpoint is not None:
                    return endpoint
            return None
        if kind == "error":
            raise EndpointResolutionError(str(self._value(rule["error"], scope)))
        spec = rule["endpoint"]
        url = self._value(spec["url"], scope)
        if not isinstance(url, str):
            raise EndpointResolutionError(f"endpoint rule produced a non-string URL: {url!r}")
        return Endpoint(url, self._value(spec.get("properties", {}), scope))

    def _value(self, expr: Any, scope: _Scope) -> Any:
        """Evaluate a function call, reference, template string or literal."""
        if isinstance(expr, str):
            return _template(expr, scope) if "{" in expr or "}" in expr else expr
        if isinstance(expr, Mapping):
            if "fn" in expr:
                args = [self._value(arg, scope) for arg in expr.get("argv", [])]
                return self._functions[expr["fn"]](*args)
            if "ref" in expr:
                return scope.get(expr["ref"])
            return {key: self._value(item, scope) for key, item in expr.items()}
        if isinstance(expr, list):
            return [self._value(item, scope) for item in expr]
        return expr

    def _partition(self, region: Any) -> dict[str, Any] | None:
        """``aws.partition``: exact region list first, then regionRegex, then ``aws``."""
        if not isinstance(region, str):
            return None
        match = next((p for p in self._partitions if region in p.regions), None)
        if match is None:
            match = next((p for p in self._partitions if p.regex.match(region)), None)
        return dict((match or self._default_partition).outputs)


# -- template strings and the standard library ----------------------------------


def _template(text: str, scope: _Scope) -> str:
    """Expand ``{Var}`` and ``{Var#path}``; ``{{`` and ``}}`` are literal braces."""

    def expand(match: re.Match[str]) -> str:
        token, name, path = match.group(0, 1, 2)
        if token in ("{{", "}}"):
            return token[0]
        value = scope.get(name)
        if path is not None:
            value = _get_attr(value, path)
        if value is None:
            raise EndpointResolutionError(f"template {text!r}: {token} is not set")
        return value if isinstance(value, str) else str(value)

    return _TEMPLATE_RE.sub(expand, text)


def _boolean_equals(a: Any, b: Any) -> bool:
    if not (isinstance(a, bool) and isinstance(b, bool)):
        raise EndpointResolutionError(f"booleanEquals needs two booleans, got {a!r} and {b!r}")
    return a is b


def _string_equals(a: Any, b: Any) -> bool:
    if not (isinstance(a, str) and isinstance(b, str)):
        raise EndpointResolutionError(f"stringEquals needs two strings, got {a!r} and {b!r}")
    return a == b


def _get_attr(value: Any, path: str) -> Any:
    """Follow ``a.b[0]``-style paths; a missing key or index gives None."""
    for part in path.split("."):
        match = _PATH_PART_RE.fullmatch(part)
        if match is None or match.group(0) == "":
            raise EndpointResolutionError(f"invalid getAttr path {path!r}")
        name, index = match.groups()
        if name:
            value = value.get(name) if isinstance(value, Mapping) else None
        if index is not None:
            i = int(index)
            value = value[i] if isinstance(value, list | tuple) and i < len(value) else None
        if value is None:
            return None
    return value


def _substring(value: Any, start: int, stop: int, reverse: bool) -> str | None:
    if not isinstance(value, str) or not value.isascii() or not 0 <= start < stop <= len(value):
        return None
    if reverse:
        return value[len(value) - stop : len(value) - start]
    return value[start:stop]


def _parse_url(value: Any) -> dict[str, Any] | None:
    """``parseURL``: http(s) URLs with a host and no query string, else None."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a non-numeric port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or parts.query or not parts.hostname:
        return None
    try:
        ipaddress.ip_address(parts.hostname)
        is_ip = True
    except ValueError:
        is_ip = False
    normalized = parts.path if parts.path.startswith("/") else "/" + parts.path
    if not normalized.endswith("/"):
        normalized += "/"
    return {
        "scheme": parts.scheme,
        "authority": parts.netloc,
        "path": parts.path,
        "normalizedPath": normalized,
        "isIp": is_ip,
    }


def _is_valid_host_label(value: Any, allow_subdomains: bool) -> bool:
    if not isinstance(value, str):
        return False
    labels = value.split(".") if allow_subdomains else [value]
    return all(_HOST_LABEL_RE.fullmatch(label) for label in labels)


def _parse_arn(value: Any) -> dict[str, Any] | None:
    """``aws.parseArn``: partition, service and resource must be non-empty."""
    if not isinstance(value, str) or not value.startswith("arn:"):
        return None
    parts = value.split(":", 5)
    if len(parts) < 6:
        return None
    _, partition, service, region, account, resource = parts
    if not (partition and service and resource):
        return None
    return {
        "partition": partition,
        "service": service,
        "region": region,
        "accountId": account,
        "resourceId": resource.replace(":", "/").split("/"),
    }


def _is_virtual_hostable_s3_bucket(value: Any, allow_subdomains: bool) -> bool:
    if (
        not isinstance(value, str)
        or not 3 <= len(value) <= 63
        or value != value.lower()
        or _IPV4_LIKE_RE.fullmatch(value)
    ):
        return False
    return _is_valid_host_label(value, allow_subdomains)
