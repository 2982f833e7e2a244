"""What every adapter and the fake server agree on: credentials, names, the fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime

ACCESS_KEY = "AKIDBENCHEXAMPLE0000"
SECRET_KEY = "bench/secret/key/EXAMPLE/0000000000000"
REGION = "us-east-1"
SERVICE = "ecr"
REGISTRY_ID = "123456789012"
REPOSITORY = "bench/app"
#: The image whose scan findings are asked for.
SCANNED_DIGEST = "sha256:" + "5" * 64
TARGET_PREFIX = "AmazonEC2ContainerRegistry_V20150921"
#: The fairness check signs at this instant with both signers.
FIXED_NOW = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)


def target(operation: str) -> str:
    """The ``X-Amz-Target`` header value of ``operation`` (e.g. ``DescribeImages``)."""
    return f"{TARGET_PREFIX}.{operation}"
