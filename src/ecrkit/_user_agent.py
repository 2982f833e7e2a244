"""The ``User-Agent`` every request carries, built once per client.

It follows the AWS SDK user-agent conventions (the layout botocore sends), so that a
CloudTrail ``userAgent`` tells ecrkit, its version and its environment apart from
any other client::

    ecrkit/0.1.0 ua/2.1 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.7
    md/pyimpl#CPython md/aiohttp#3.13.2 md/pydantic#2.12.5 cfg/retry-mode#standard
    [app/<app id>] [<user_agent_extra>]

The app id (``ClientConfig.user_agent_appid``, ``AWS_SDK_UA_APP_ID``, the profile's
``sdk_ua_app_id``) and ``user_agent_extra`` are sanitized with botocore's rule: any
character outside ASCII letters, digits and ``!$%&'*+-.^_`|~,`` (and ``#``, and
``/`` and single spaces between the extra's tokens) becomes ``-``, so neither can
break the header or forge another component. The header is not signed (SigV4
leaves ``user-agent`` out), so a proxy that rewrites it cannot break a request.
"""

from __future__ import annotations

import functools
import platform
import string
import sys

__all__ = ["build_user_agent", "sanitize"]

_ALLOWED = frozenset(string.ascii_letters + string.digits + "!$%&'*+-.^_`|~,")
_OS_NAMES = {"darwin": "macos", "win32": "windows"}


def sanitize(raw: str, *, allow: str = "#") -> str:
    """``raw`` with every character outside the AWS UA token alphabet (plus ``allow``) as ``-``."""
    return "".join(c if c in _ALLOWED or c in allow else "-" for c in raw)


@functools.cache
def _environment() -> str:
    """The components that cannot change within a process (platform, versions).

    The versions are the modules' own attributes, not ``importlib.metadata`` (which
    scans every installed distribution: ~35 ms on the first client).
    """
    from pydantic.version import VERSION as PYDANTIC_VERSION

    from ecrkit._aiohttp import AIOHTTP_VERSION

    system = _OS_NAMES.get(sys.platform, platform.system().lower() or "other")
    return " ".join(
        [
            "ua/2.1",
            f"os/{sanitize(system)}#{sanitize(platform.release())}",
            f"md/arch#{sanitize(platform.machine().lower())}",
            f"lang/python#{sanitize(platform.python_version())}",
            f"md/pyimpl#{sanitize(platform.python_implementation())}",
            f"md/aiohttp#{sanitize(AIOHTTP_VERSION)}",
            f"md/pydantic#{sanitize(PYDANTIC_VERSION)}",
        ]
    )


def build_user_agent(
    sdk_name: str,
    sdk_version: str,
    *,
    retry_mode: str,
    app_id: str | None = None,
    extra: str | None = None,
) -> str:
    """The ``User-Agent`` value (the first one per process reads the platform: call
    off the event loop)."""
    tokens = [
        f"{sanitize(sdk_name)}/{sanitize(sdk_version)}",
        _environment(),
        f"cfg/retry-mode#{sanitize(retry_mode)}",
    ]
    if app_id:
        tokens.append(f"app/{sanitize(app_id)}")
    if extra:
        tokens.extend(sanitize(token, allow="#/") for token in extra.split())
    return " ".join(tokens)
