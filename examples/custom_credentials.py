"""Plug your own refreshable credentials into ecrkit: a provider is any object with
``async def load() -> Credentials`` (``ecrkit.CredentialProvider``).

    python examples/custom_credentials.py      # against moto's ECR, started on 127.0.0.1

Here the "vault" is a stand-in that hands out credentials valid for 20 minutes. The
client loads them on its first call, shares one load between concurrent calls, and
loads again ahead of expiry (15 minutes before it), so this program sees two loads:
one at start, one after the fake clock moves 6 minutes on. It also runs one call
through ``with_options`` (another timeout and retry setting, same pool and
credentials) with an extra header. Needs moto (``pip install 'ecrkit[local]'``).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from ecrkit import CredentialProvider, Credentials, ECRClient


class VaultCredentials:
    """Stands in for your secret store: each ``load()`` is one round trip to it."""

    def __init__(self, now: list[datetime]) -> None:
        self.now = now
        self.loads = 0

    async def load(self) -> Credentials:
        self.loads += 1
        await asyncio.sleep(0)  # the round trip (use asyncio.to_thread for a blocking SDK)
        return Credentials(
            access_key_id="AKIDVAULTEXAMPLE",
            secret_access_key=f"vault-secret-{self.loads}",
            session_token=f"vault-token-{self.loads}",
            expiration=self.now[0] + timedelta(minutes=20),
        )


async def main(endpoint_url: str) -> int:
    now = [datetime.now(UTC)]
    vault = VaultCredentials(now)
    provider: CredentialProvider = vault
    async with ECRClient(
        region="us-east-1", endpoint_url=endpoint_url, credentials=provider, now=lambda: now[0]
    ) as ecr:
        await asyncio.gather(*(ecr.describe_repositories() for _ in range(5)))
        print(f"5 concurrent calls, {vault.loads} load")
        now[0] += timedelta(minutes=6)  # 14 minutes left: inside the refresh window
        await ecr.describe_repositories()
        print(f"after 6 minutes, {vault.loads} loads")
        quick = ecr.with_options(read_timeout=5, max_attempts=1, extra_headers={"X-Job": "gc"})
        await quick.describe_repositories()
        print("one call with read_timeout=5, max_attempts=1 and an X-Job header")
    return vault.loads


def run() -> None:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        loads = asyncio.run(main(f"http://{host}:{port}"))
    finally:
        server.stop()
    assert loads == 2, loads


if __name__ == "__main__":
    run()
