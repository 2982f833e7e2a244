"""Clock-skew correction: sign with the service's clock when ours is off.

A request signed with a clock more than a few minutes away from the service's is
rejected with one of :data:`SKEW_CODES`. When such an error carries a ``Date``
header more than :data:`SKEW_THRESHOLD` away from the local clock, the client adopts
that offset for every later signature and retries once (botocore does the same).
A ``Date`` beyond :data:`MAX_CLOCK_SKEW` is a broken or hostile server, not a wrong
clock: it is not adopted. Only the error path runs any of this; a successful call
reads :meth:`ClockSkew.signing_time` once per attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from ecrkit._exceptions import EcrkitError

__all__ = ["MAX_CLOCK_SKEW", "SKEW_CODES", "SKEW_THRESHOLD", "ClockSkew", "utcnow"]

_log = logging.getLogger("ecrkit")

#: Error codes that can mean "your clock is off"; the Date header decides.
SKEW_CODES = frozenset(
    {
        "RequestTimeTooSkewed",
        "RequestExpired",
        "RequestInTheFuture",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
    }
)
#: An offset smaller than this is not a skew (the error stands as it is).
SKEW_THRESHOLD = timedelta(minutes=4)
#: The largest clock offset adopted from a server's Date header. Skew correction
#: fixes a local clock that is minutes or hours off (a VM resumed without NTP, a
#: wrong time zone); a Date days or years away is a broken or hostile server, and
#: adopting it would sign every later request for the wrong year.
MAX_CLOCK_SKEW = timedelta(hours=24)


def utcnow() -> datetime:
    """The local wall clock, timezone-aware (the default ``now``)."""
    return datetime.now(UTC)


class ClockSkew:
    """One client's signing clock: ``now()`` plus the offset adopted from the service.

    A view made by ``with_options`` gets a :meth:`copy`: it starts from the offset of
    the moment it was made and corrects its own from then on.
    """

    __slots__ = ("now", "offset")

    def __init__(
        self, now: Callable[[], datetime] = utcnow, offset: timedelta | None = None
    ) -> None:
        self.now = now
        self.offset = timedelta(0) if offset is None else offset

    def copy(self) -> ClockSkew:
        """An independent clock with the same ``now`` and offset."""
        return ClockSkew(self.now, self.offset)

    def signing_time(self) -> datetime:
        """The local clock plus the adopted offset (at most :data:`MAX_CLOCK_SKEW`)."""
        try:
            return self.now() + self.offset
        except OverflowError:  # only an injected clock within a day of year 1 or 9999
            raise EcrkitError(
                f"The clock ({self.now()!r}) plus the clock-skew correction "
                f"({self.offset}) is not a representable time"
            ) from None

    def correct(self, headers: Mapping[str, str]) -> str | None:
        """Adopt the server's clock offset if its Date header says we are off.

        Returns ``None`` when the offset was adopted (retry), else why not: ``""``
        when the Date is missing, unreadable or close to ours (the error stands as
        it is), a sentence for a Date beyond :data:`MAX_CLOCK_SKEW` (added to the
        error as a note; the offset in use does not change).
        """
        date = headers.get("Date")
        if not date:
            return ""
        try:
            server = parsedate_to_datetime(date)
            if server.tzinfo is None:
                server = server.replace(tzinfo=UTC)
            offset = server - self.now()
        except (TypeError, ValueError, IndexError, OverflowError):
            return ""
        if abs(offset - self.offset) < SKEW_THRESHOLD:
            return ""
        if abs(offset) > MAX_CLOCK_SKEW:
            why = (
                f"The service's Date header ({date[:64]!r}) is {_days(offset)} away from the "
                f"local clock, beyond the {_days(MAX_CLOCK_SKEW)} ecrkit corrects: not adopted"
            )
            _log.warning("%s", why)
            return why
        self.offset = offset
        _log.warning(
            "Clock skew of %.0f s detected from the service's Date header; corrected",
            offset.total_seconds(),
        )
        return None


def _days(offset: timedelta) -> str:
    days = abs(offset.total_seconds()) / 86400
    return f"{days:,.0f} days" if days >= 2 else f"{days * 24:,.1f} hours"
