"""A short tour of ecrkit: create a repository, push an image, read it back, catch an error.

    python -m ecrkit.tour                      # against LocalECR (moto), on 127.0.0.1
    python -m ecrkit.tour --region eu-west-1   # against real AWS, your usual credentials

The first form needs moto (``pip install 'ecrkit[local]'``) and uses fake credentials;
without it, it says so and exits with status 2. The second needs no moto; it creates a
repository with a unique name and deletes it at the end. :func:`tour` is the tour itself,
for any client.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import hashlib
import io
import json
import logging
import sys
import tarfile
import uuid
from collections.abc import Callable

from ecrkit import Credentials, ECRClient
from ecrkit.errors import EcrkitError, RepositoryNotFoundException

__all__ = ["digest", "main", "run", "tiny_image", "tour"]

_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
_CONFIG = "application/vnd.docker.container.image.v1+json"
_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"


def digest(blob: bytes) -> str:
    return "sha256:" + hashlib.sha256(blob).hexdigest()


def tiny_image() -> tuple[list[bytes], str]:
    """The blobs of a one-file image (its config and one gzipped layer) and its manifest."""
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w") as archive:
        text = b"hello from ecrkit\n"
        entry = tarfile.TarInfo("hello.txt")
        entry.size = len(text)
        archive.addfile(entry, io.BytesIO(text))
    layer = gzip.compress(tar.getvalue(), mtime=0)
    rootfs = {"type": "layers", "diff_ids": [digest(tar.getvalue())]}
    config = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": rootfs}).encode()
    manifest = {
        "schemaVersion": 2,
        "mediaType": _MANIFEST,
        "config": {"mediaType": _CONFIG, "size": len(config), "digest": digest(config)},
        "layers": [{"mediaType": _LAYER, "size": len(layer), "digest": digest(layer)}],
    }
    return [config, layer], json.dumps(manifest)


async def tour(
    ecr: ECRClient, repository: str, say: Callable[[str], object] = print
) -> list[object]:
    """The tour itself. Returns every response and error it saw, in order."""
    seen: list[object] = []
    created = await ecr.create_repository(repository_name=repository)
    seen.append(created)
    say(f"created   {created.repository.repository_uri if created.repository else repository}")
    try:
        blobs, manifest = tiny_image()
        for blob in blobs:  # push = upload each blob, then put the manifest
            started = await ecr.initiate_layer_upload(repository_name=repository)
            assert started.upload_id is not None  # the service always sends one
            part = await ecr.upload_layer_part(
                repository_name=repository,
                upload_id=started.upload_id,
                part_first_byte=0,
                part_last_byte=len(blob) - 1,
                layer_part_blob=blob,
            )
            done = await ecr.complete_layer_upload(
                repository_name=repository,
                upload_id=started.upload_id,
                layer_digests=[digest(blob)],
            )
            seen += [started, part, done]
        pushed = await ecr.put_image(
            repository_name=repository,
            image_manifest=manifest,
            image_tag="v1",
            image_digest=digest(manifest.encode()),
        )
        seen.append(pushed)
        say(f"pushed    {repository}:v1 ({len(blobs)} blobs, {sum(map(len, blobs))} bytes)")

        described = await ecr.describe_images(repository_name=repository)
        seen.append(described)
        for image in described.image_details:  # ImageDetail models with typed fields
            say(f"image     tags={image.image_tags} size={image.image_size_in_bytes} bytes")
            say(f"          digest={image.image_digest}")
            say(f"          pushed_at={image.image_pushed_at} (a timezone-aware datetime)")

        try:
            await ecr.describe_images(repository_name=f"{repository}-missing")
        except RepositoryNotFoundException as exc:  # each modeled error is its own class
            seen.append(exc)
            say(f"caught    {exc.code} (HTTP {exc.status_code}, request id {exc.request_id})")
    finally:
        deleted = await ecr.delete_repository(repository_name=repository, force=True)
        seen.append(deleted)
        say(f"deleted   {repository}")
    return seen


async def run(region: str, endpoint_url: str | None, credentials: Credentials | None) -> None:
    async with ECRClient(region=region, endpoint_url=endpoint_url, credentials=credentials) as ecr:
        print(f"client    {ecr!r}")
        await tour(ecr, f"ecrkit-tour-{uuid.uuid4().hex[:8]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ecrkit.tour", description="A short tour of ecrkit."
    )
    parser.add_argument("--region", help="run against real AWS in this region (default: moto)")
    args = parser.parse_args(argv)
    try:
        if args.region:  # real AWS, with the normal credential chain
            asyncio.run(run(args.region, endpoint_url=None, credentials=None))
            return 0
        from ecrkit.testing import LocalECR  # moto's server behind ECR-like paging

        try:
            local = LocalECR()
        except ImportError:
            print(
                "The local tour needs moto: pip install 'ecrkit[local]'"
                " (or run it against AWS: python -m ecrkit.tour --region REGION)",
                file=sys.stderr,
            )
            return 2
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log lines
        with local:
            asyncio.run(run(local.region, local.endpoint_url, local.credentials))
    except EcrkitError as exc:
        print(f"tour failed: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
