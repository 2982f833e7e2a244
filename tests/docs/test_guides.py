"""Every ``python`` block of the README and the guides (docs/*.md) runs against moto.

The blocks of a page run in order in one namespace, like a notebook: a block may use
what an earlier one defined. Each page starts with:

- ``ecr``: an :class:`~ecrkit.ECRClient` for eu-west-1 (already open), and ``asyncio``;
- a repository ``api`` holding one image tagged ``v1`` (in eu-west-1);
- ``AWS_ENDPOINT_URL_ECR`` pointing at moto, fake keys in ``AWS_ACCESS_KEY_ID`` /
  ``AWS_SECRET_ACCESS_KEY`` and ``AWS_REGION=eu-west-1``, so that a block that builds
  its own client, as a user would, talks to moto too.

A block with top-level ``await`` runs on the page's event loop; a whole program
(``asyncio.run(main())``) runs as it is. Blocks tagged ``python aws`` need real AWS:
they are type-checked (test_guides_typecheck.py), not run. Blocks tagged
``python boto3`` / ``python aiobotocore`` are the other SDKs' code: compiled only.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import io
from pathlib import Path
from typing import Any

import pytest

from ecrkit import ECRClient
from ecrkit.tour import digest, tiny_image
from tests.docs._blocks import NEEDS_AWS, OTHER_SDKS, PAGES, PYTEST, ROOT, Block, python_blocks

pytestmark = pytest.mark.integration

REGION = "eu-west-1"
RUNNABLE = [p for p in PAGES if any(NEEDS_AWS not in b.tags for b in python_blocks(p))]


async def push_tiny_image(ecr: ECRClient, repository: str, tag: str) -> None:
    blobs, manifest = tiny_image()
    for blob in blobs:
        started = await ecr.initiate_layer_upload(repository_name=repository)
        assert started.upload_id
        await ecr.upload_layer_part(
            repository_name=repository,
            upload_id=started.upload_id,
            part_first_byte=0,
            part_last_byte=len(blob) - 1,
            layer_part_blob=blob,
        )
        await ecr.complete_layer_upload(
            repository_name=repository, upload_id=started.upload_id, layer_digests=[digest(blob)]
        )
    await ecr.put_image(
        repository_name=repository,
        image_manifest=manifest,
        image_tag=tag,
        image_digest=digest(manifest.encode()),
    )


async def reset_registry(ecr: ECRClient) -> None:
    """Only ``api`` (with ``api:v1``) in the region, whatever an earlier page left."""
    for repo in (await ecr.describe_repositories()).repositories:
        assert repo.repository_name
        await ecr.delete_repository(repository_name=repo.repository_name, force=True)
    await ecr.create_repository(repository_name="api")
    await push_tiny_image(ecr, "api", "v1")


def run_block(block: Block, namespace: dict[str, Any], loop: asyncio.AbstractEventLoop) -> None:
    code = compile(block.code, block.where, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
    with contextlib.redirect_stdout(io.StringIO()):
        result = eval(code, namespace)  # a coroutine when the block awaits at top level
        if asyncio.iscoroutine(result):
            loop.run_until_complete(result)


@pytest.mark.parametrize("page", RUNNABLE, ids=[str(p.relative_to(ROOT)) for p in RUNNABLE])
def test_page_code_runs(page: Path, moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_ECR", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDDOCSTESTING")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "docs-testing-secret")
    monkeypatch.setenv("AWS_REGION", REGION)
    loop = asyncio.new_event_loop()
    ecr = ECRClient(region=REGION)
    namespace: dict[str, Any] = {"__name__": "__docs__", "asyncio": asyncio, "ecr": ecr}
    try:
        loop.run_until_complete(reset_registry(ecr))
        ran = 0
        for block in python_blocks(page):
            if block.tags & OTHER_SDKS or PYTEST in block.tags:  # pytest modules: run apart
                compile(block.code, block.where, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
                continue
            if NEEDS_AWS in block.tags:
                continue
            try:
                run_block(block, namespace, loop)
            except Exception as exc:
                pytest.fail(f"{block.where}: {type(exc).__name__}: {exc}")
            ran += 1
        assert ran, f"{page}: no runnable block"
    finally:
        loop.run_until_complete(ecr.close())
        loop.close()


def test_every_python_block_is_classified() -> None:
    """A typo in an info string (``python asw``) would silently skip a block."""
    known = {NEEDS_AWS, PYTEST, *OTHER_SDKS}
    unknown = [
        f"{b.where}: {sorted(b.tags - known)}"
        for p in PAGES
        for b in python_blocks(p)
        if b.tags - known
    ]
    assert not unknown, unknown
