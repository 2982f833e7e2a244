"""Every ECR operation moto 5.2.5 implements, called through ecrkit against moto's server.

Each test checks the typed response (model classes, timezone-aware UTC datetimes,
values that round-trip what the test sent) and that each modeled error moto can
produce arrives as its own class with status code and request id. The inventory tests
at the end keep this honest: the operations this module calls plus
``NOT_IMPLEMENTED_BY_MOTO`` are exactly the 62 of the ECR API, and the errors it
checks are exactly those moto's ECR raises.

Repository names are unique per test. Registry-wide settings (registry policy,
replication, registry scanning) are per account and region in moto, so each of
those tests runs in a region of its own.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import hashlib
import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from ecrkit import ClientConfig, ECRClient
from ecrkit._generated._meta import OPERATIONS
from ecrkit.enums import ImageTagMutability
from ecrkit.errors import (
    ERROR_CLASSES,
    ImageAlreadyExistsException,
    ImageNotFoundException,
    InvalidLayerPartException,
    InvalidParameterException,
    LifecyclePolicyNotFoundException,
    LimitExceededException,
    ParamValidationError,
    RegistryPolicyNotFoundException,
    RepositoryAlreadyExistsException,
    RepositoryNotEmptyException,
    RepositoryNotFoundException,
    RepositoryPolicyNotFoundException,
    ScanNotFoundException,
    ServiceError,
    UploadNotFoundException,
    ValidationException,
)
from ecrkit.models import (
    Attribute,
    AuthorizationData,
    CreateRepositoryResponse,
    EncryptionConfiguration,
    Image,
    ImageDetail,
    ImageFailure,
    ImageIdentifier,
    ImageScanFinding,
    ImageScanFindings,
    ImageScanningConfiguration,
    ImageTagMutabilityExclusionFilter,
    Layer,
    LayerFailure,
    PutImageResponse,
    RegistryScanningConfiguration,
    RegistryScanningRule,
    ReplicationConfiguration,
    ReplicationConfigurationDict,
    ReplicationDestination,
    ReplicationRule,
    Repository,
    RepositoryFilter,
    RepositoryScanningConfiguration,
    RepositoryScanningConfigurationFailure,
    ScanningRepositoryFilter,
    Tag,
)
from tests._pins import needs_pinned_botocore

pytestmark = pytest.mark.integration

#: ECR operations moto 5.2.5 does not implement. moto has no handler for all but
#: GetDownloadUrlForLayer, whose handler raises NotImplementedError (an HTTP 500).
NOT_IMPLEMENTED_BY_MOTO = [
    "CreatePullThroughCacheRule",
    "CreateRepositoryCreationTemplate",
    "DeletePullThroughCacheRule",
    "DeleteRepositoryCreationTemplate",
    "DeleteSigningConfiguration",
    "DeregisterPullTimeUpdateExclusion",
    "DescribeImageReplicationStatus",
    "DescribeReplicationBackfillResults",
    "DescribeImageSigningStatus",
    "DescribePullThroughCacheRules",
    "DescribeRepositoryCreationTemplates",
    "GetAccountSetting",
    "GetDownloadUrlForLayer",
    "GetLifecyclePolicyPreview",
    "GetSigningConfiguration",
    "ListImageReferrers",
    "ListPullTimeUpdateExclusions",
    "ListReplicationBackfills",
    "PutAccountSetting",
    "PutSigningConfiguration",
    "RegisterPullTimeUpdateExclusion",
    "StartLifecyclePolicyPreview",
    "StartReplicationBackfill",
    "StopReplicationBackfill",
    "UpdateImageStorageClass",
    "UpdatePullThroughCacheRule",
    "UpdateRepositoryCreationTemplate",
    "ValidatePullThroughCacheRule",
]
#: Operations moto has a handler for that only raises NotImplementedError.
MOTO_STUBS = {"GetDownloadUrlForLayer"}

ACCOUNT = "123456789012"  # moto's default account
REGION = "us-east-1"  # the region of the ``ecr`` fixture
KMS_KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/0b2a7c1e-4a8e-4bde-9d3c-5d0f3c7e9a11"

DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"

ClientFactory = Callable[..., AbstractAsyncContextManager[ECRClient]]
E = TypeVar("E", bound=ServiceError)


# -- helpers -----------------------------------------------------------------


def unique(prefix: str) -> str:
    """A repository name no other test uses."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def sha256_digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def image_manifest(seed: str) -> str:
    """A Docker schema-2 manifest whose config and one layer are unique to ``seed``."""
    config = json.dumps(
        {"architecture": "amd64", "os": "linux", "config": {"Labels": {"seed": seed}}}
    )
    layer = f"layer of {seed}".encode()

    def descriptor(media_type: str, blob: bytes) -> dict[str, Any]:
        return {"mediaType": media_type, "size": len(blob), "digest": sha256_digest(blob)}

    return json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": DOCKER_MANIFEST,
            "config": descriptor(DOCKER_CONFIG, config.encode()),
            "layers": [descriptor(DOCKER_LAYER, layer)],
        }
    )


def manifest_digest(manifest: str) -> str:
    return sha256_digest(manifest.encode())


async def push(ecr: ECRClient, repository: str, tag: str, seed: str | None = None) -> Image:
    """Put the image made from ``seed`` (default: the tag) under ``tag``."""
    manifest = image_manifest(seed or tag)
    resp = await ecr.put_image(
        repository_name=repository,
        image_manifest=manifest,
        image_tag=tag,
        image_digest=manifest_digest(manifest),
    )
    assert isinstance(resp.image, Image)
    return resp.image


def assert_recent_utc(value: datetime | None) -> datetime:
    """A timezone-aware UTC datetime from about now (moto stamps with the local clock)."""
    assert isinstance(value, datetime)
    assert value.utcoffset() == timedelta(0)  # aware (a naive datetime has no offset)
    assert abs(datetime.now(UTC) - value) < timedelta(minutes=5)
    return value


@contextlib.contextmanager
def expect_error(cls: type[E], operation: str) -> Iterator[pytest.ExceptionInfo[E]]:
    """Like ``pytest.raises(cls)``, then check what every modeled error must carry."""
    with pytest.raises(cls) as info:
        yield info
    exc = info.value
    assert type(exc) is cls
    assert exc.code == cls.error_code == cls.__name__
    assert exc.operation_name == operation
    assert exc.status_code == 400
    assert isinstance(exc.request_id, str)
    assert exc.request_id
    assert exc.message
    assert exc.attempts == 1  # client errors are not retried


@pytest.fixture
async def repository(ecr: ECRClient) -> AsyncIterator[str]:
    """A fresh, empty repository (deleted with whatever it holds after the test)."""
    name = unique("repo")
    await ecr.create_repository(repository_name=name)
    yield name
    with contextlib.suppress(RepositoryNotFoundException):
        await ecr.delete_repository(repository_name=name, force=True)


# -- repositories ------------------------------------------------------------


async def test_create_describe_and_delete_a_configured_repository(ecr: ECRClient) -> None:
    name = unique("configured")
    created = await ecr.create_repository(
        repository_name=name,
        tags=[Tag(key="team", value="platform"), {"key": "env", "value": "test"}],
        image_tag_mutability=ImageTagMutability.IMMUTABLE,
        image_scanning_configuration={"scan_on_push": True},
        encryption_configuration={"encryption_type": "KMS", "kms_key": KMS_KEY},
    )
    assert isinstance(created, CreateRepositoryResponse)
    repo = created.repository
    assert isinstance(repo, Repository)
    assert repo.repository_name == name
    assert repo.registry_id == ACCOUNT
    assert repo.repository_arn == f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{name}"
    assert repo.repository_uri == f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com/{name}"
    assert_recent_utc(repo.created_at)
    assert repo.image_tag_mutability == "IMMUTABLE"
    assert repo.image_scanning_configuration == ImageScanningConfiguration(scan_on_push=True)
    assert repo.encryption_configuration == EncryptionConfiguration(
        encryption_type="KMS", kms_key=KMS_KEY
    )
    assert created.response_metadata.http_status_code == 200
    assert created.response_metadata.request_id

    described = await ecr.describe_repositories(repository_names=[name])
    assert described.repositories == [repo]
    everything = await ecr.describe_repositories()
    assert all(isinstance(r, Repository) for r in everything.repositories)
    assert name in {r.repository_name for r in everything.repositories}

    tags = await ecr.list_tags_for_resource(resource_arn=repo.repository_arn)
    assert tags.tags == [Tag(key="team", value="platform"), Tag(key="env", value="test")]

    deleted = await ecr.delete_repository(repository_name=name)
    assert isinstance(deleted.repository, Repository)
    assert deleted.repository.repository_arn == repo.repository_arn
    with expect_error(RepositoryNotFoundException, "DescribeRepositories"):
        await ecr.describe_repositories(repository_names=[name])
    with expect_error(RepositoryNotFoundException, "DeleteRepository"):
        await ecr.delete_repository(repository_name=name)


async def test_repository_errors(ecr: ECRClient, repository: str) -> None:
    with expect_error(RepositoryAlreadyExistsException, "CreateRepository") as info:
        await ecr.create_repository(repository_name=repository)
    assert repository in info.value.message
    # The name pattern is the service's to enforce: ecrkit sends it and moto refuses it.
    with expect_error(InvalidParameterException, "CreateRepository"):
        await ecr.create_repository(repository_name="Not_A_Valid_Name")

    await push(ecr, repository, "v1")
    with expect_error(RepositoryNotEmptyException, "DeleteRepository"):
        await ecr.delete_repository(repository_name=repository)
    forced = await ecr.delete_repository(repository_name=repository, force=True)
    assert isinstance(forced.repository, Repository)
    assert forced.repository.repository_name == repository


async def test_tag_untag_and_list_tags(ecr: ECRClient, repository: str) -> None:
    arn = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{repository}"
    assert (await ecr.list_tags_for_resource(resource_arn=arn)).tags == []

    tagged = await ecr.tag_resource(
        resource_arn=arn, tags=[{"key": "owner", "value": "ci"}, {"key": "tier", "value": "1"}]
    )
    assert tagged.model_dump(exclude_unset=True) == {}  # TagResource answers with no data
    listed = await ecr.list_tags_for_resource(resource_arn=arn)
    assert listed.tags == [Tag(key="owner", value="ci"), Tag(key="tier", value="1")]

    await ecr.untag_resource(resource_arn=arn, tag_keys=["owner"])
    assert (await ecr.list_tags_for_resource(resource_arn=arn)).tags == [Tag(key="tier", value="1")]

    with expect_error(InvalidParameterException, "ListTagsForResource"):
        await ecr.list_tags_for_resource(resource_arn="arn:aws:s3:::not-a-repository")
    with expect_error(RepositoryNotFoundException, "TagResource"):
        await ecr.tag_resource(resource_arn=f"{arn}-gone", tags=[{"key": "k", "value": "v"}])


@needs_pinned_botocore
async def test_image_tag_mutability(ecr: ECRClient, repository: str) -> None:
    immutable = await ecr.put_image_tag_mutability(
        repository_name=repository, image_tag_mutability="IMMUTABLE"
    )
    assert (immutable.repository_name, immutable.registry_id) == (repository, ACCOUNT)
    assert immutable.image_tag_mutability == ImageTagMutability.IMMUTABLE

    await push(ecr, repository, "v1")
    with expect_error(ImageAlreadyExistsException, "PutImage"):
        await push(ecr, repository, "v1", seed="another build")

    # Mutable, except tags matching release-*.
    excluded = await ecr.put_image_tag_mutability(
        repository_name=repository,
        image_tag_mutability="MUTABLE_WITH_EXCLUSION",
        image_tag_mutability_exclusion_filters=[{"filter_type": "WILDCARD", "filter": "release-*"}],
    )
    assert excluded.image_tag_mutability == "MUTABLE_WITH_EXCLUSION"
    (repo,) = (await ecr.describe_repositories(repository_names=[repository])).repositories
    assert repo.image_tag_mutability_exclusion_filters == [
        ImageTagMutabilityExclusionFilter(filter_type="WILDCARD", filter="release-*")
    ]
    moved = await push(ecr, repository, "v1", seed="another build")
    assert moved.image_id is not None
    assert moved.image_id.image_tag == "v1"
    await push(ecr, repository, "release-1")
    with expect_error(ImageAlreadyExistsException, "PutImage"):
        await push(ecr, repository, "release-1", seed="a rebuild")


async def test_repository_scanning_configuration(ecr: ECRClient, repository: str) -> None:
    put = await ecr.put_image_scanning_configuration(
        repository_name=repository, image_scanning_configuration={"scan_on_push": True}
    )
    assert put.repository_name == repository
    assert put.image_scanning_configuration == ImageScanningConfiguration(scan_on_push=True)
    (repo,) = (await ecr.describe_repositories(repository_names=[repository])).repositories
    assert repo.image_scanning_configuration == ImageScanningConfiguration(scan_on_push=True)

    missing = unique("missing")
    got = await ecr.batch_get_repository_scanning_configuration(
        repository_names=[repository, missing]
    )
    (config,) = got.scanning_configurations
    assert isinstance(config, RepositoryScanningConfiguration)
    assert config.repository_name == repository
    assert config.repository_arn == repo.repository_arn
    assert config.scan_frequency == "MANUAL"
    assert config.applied_scan_filters == []
    assert got.failures == [
        RepositoryScanningConfigurationFailure(
            repository_name=missing,
            failure_code="REPOSITORY_NOT_FOUND",
            failure_reason="REPOSITORY_NOT_FOUND",
        )
    ]
    with expect_error(RepositoryNotFoundException, "PutImageScanningConfiguration"):
        await ecr.put_image_scanning_configuration(
            repository_name=missing, image_scanning_configuration={"scan_on_push": False}
        )


# -- repository and lifecycle policies ---------------------------------------

REPOSITORY_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowPull",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
            }
        ],
    }
)
LIFECYCLE_POLICY = json.dumps(
    {
        "rules": [
            {
                "rulePriority": 1,
                "description": "expire untagged images after 14 days",
                "selection": {
                    "tagStatus": "untagged",
                    "countType": "sinceImagePushed",
                    "countUnit": "days",
                    "countNumber": 14,
                },
                "action": {"type": "expire"},
            }
        ]
    }
)


async def test_repository_policy(ecr: ECRClient, repository: str) -> None:
    with expect_error(RepositoryPolicyNotFoundException, "GetRepositoryPolicy"):
        await ecr.get_repository_policy(repository_name=repository)

    put = await ecr.set_repository_policy(repository_name=repository, policy_text=REPOSITORY_POLICY)
    assert (put.registry_id, put.repository_name, put.policy_text) == (
        ACCOUNT,
        repository,
        REPOSITORY_POLICY,
    )
    got = await ecr.get_repository_policy(repository_name=repository)
    assert got.policy_text == REPOSITORY_POLICY
    deleted = await ecr.delete_repository_policy(repository_name=repository)
    assert deleted.policy_text == REPOSITORY_POLICY

    with expect_error(RepositoryPolicyNotFoundException, "DeleteRepositoryPolicy"):
        await ecr.delete_repository_policy(repository_name=repository)
    with expect_error(InvalidParameterException, "SetRepositoryPolicy"):
        await ecr.set_repository_policy(repository_name=repository, policy_text='{"Statement": 1}')
    with expect_error(RepositoryNotFoundException, "SetRepositoryPolicy"):
        await ecr.set_repository_policy(
            repository_name=unique("missing"), policy_text=REPOSITORY_POLICY
        )


async def test_lifecycle_policy(ecr: ECRClient, repository: str) -> None:
    with expect_error(LifecyclePolicyNotFoundException, "GetLifecyclePolicy"):
        await ecr.get_lifecycle_policy(repository_name=repository)

    put = await ecr.put_lifecycle_policy(
        repository_name=repository, lifecycle_policy_text=LIFECYCLE_POLICY
    )
    assert (put.repository_name, put.lifecycle_policy_text) == (repository, LIFECYCLE_POLICY)
    got = await ecr.get_lifecycle_policy(repository_name=repository)
    assert json.loads(got.lifecycle_policy_text or "") == json.loads(LIFECYCLE_POLICY)
    assert_recent_utc(got.last_evaluated_at)

    deleted = await ecr.delete_lifecycle_policy(repository_name=repository)
    assert deleted.lifecycle_policy_text == LIFECYCLE_POLICY
    assert_recent_utc(deleted.last_evaluated_at)
    with expect_error(LifecyclePolicyNotFoundException, "DeleteLifecyclePolicy"):
        await ecr.delete_lifecycle_policy(repository_name=repository)

    bad_rule = LIFECYCLE_POLICY.replace('"untagged"', '"sometimes"')
    with expect_error(InvalidParameterException, "PutLifecyclePolicy"):
        await ecr.put_lifecycle_policy(repository_name=repository, lifecycle_policy_text=bad_rule)
    # The model's minimum length (100) is checked before anything is sent.
    with pytest.raises(ParamValidationError) as info:
        await ecr.put_lifecycle_policy(repository_name=repository, lifecycle_policy_text="{}")
    assert info.value.fields == ["lifecycle_policy_text"]


# -- images ------------------------------------------------------------------


async def test_put_image_and_read_it_back(ecr: ECRClient, repository: str) -> None:
    manifest = image_manifest("api-1.0")
    digest = manifest_digest(manifest)
    put = await ecr.put_image(
        repository_name=repository,
        image_manifest=manifest,
        image_manifest_media_type=DOCKER_MANIFEST,
        image_tag="v1",
        image_digest=digest,
    )
    assert isinstance(put, PutImageResponse)
    assert isinstance(put.image, Image)
    assert put.image.image_id == ImageIdentifier(image_digest=digest, image_tag="v1")
    assert put.image.image_manifest == manifest
    assert (put.image.repository_name, put.image.registry_id) == (repository, ACCOUNT)

    listed = await ecr.list_images(repository_name=repository)
    assert listed.image_ids == [ImageIdentifier(image_digest=digest, image_tag="v1")]
    untagged = await ecr.list_images(repository_name=repository, filter={"tag_status": "UNTAGGED"})
    assert untagged.image_ids == []

    described = await ecr.describe_images(repository_name=repository, registry_id=ACCOUNT)
    (detail,) = described.image_details
    assert isinstance(detail, ImageDetail)
    assert detail.image_tags == ["v1"]
    assert detail.image_digest == digest
    assert detail.repository_name == repository
    assert_recent_utc(detail.image_pushed_at)
    assert isinstance(detail.image_size_in_bytes, int)
    assert detail.image_size_in_bytes > 0
    assert detail.image_manifest_media_type == DOCKER_MANIFEST
    by_tag = await ecr.describe_images(repository_name=repository, image_ids=[{"image_tag": "v1"}])
    assert by_tag.image_details == [detail]

    got = await ecr.batch_get_image(
        repository_name=repository,
        image_ids=[
            ImageIdentifier(image_tag="v1"),
            {"image_digest": digest},
            {"image_tag": "nope"},
        ],
        accepted_media_types=[DOCKER_MANIFEST],
    )
    assert [type(image) for image in got.images] == [Image, Image]
    assert {image.image_manifest for image in got.images} == {manifest}
    (failure,) = got.failures
    assert isinstance(failure, ImageFailure)
    assert failure.image_id == ImageIdentifier(image_tag="nope")
    assert failure.failure_code == "ImageNotFound"

    # The same manifest under a second tag is the same image with two tags.
    latest = await push(ecr, repository, "latest", seed="api-1.0")
    assert latest.image_id == ImageIdentifier(image_digest=digest, image_tag="latest")
    (detail,) = (await ecr.describe_images(repository_name=repository)).image_details
    assert sorted(detail.image_tags) == ["latest", "v1"]

    with expect_error(ImageAlreadyExistsException, "PutImage"):
        await push(ecr, repository, "v1", seed="api-1.0")
    with expect_error(ImageNotFoundException, "DescribeImages"):
        await ecr.describe_images(repository_name=repository, image_ids=[{"image_tag": "nope"}])
    with expect_error(RepositoryNotFoundException, "ListImages"):
        await ecr.list_images(repository_name=unique("missing"))
    with expect_error(RepositoryNotFoundException, "BatchGetImage"):
        await ecr.batch_get_image(
            repository_name=unique("missing"), image_ids=[{"image_tag": "v1"}]
        )


async def test_batch_delete_image(ecr: ECRClient, repository: str) -> None:
    v1 = await push(ecr, repository, "v1")
    v2 = await push(ecr, repository, "v2")
    await push(ecr, repository, "latest", seed="v2")
    assert v1.image_id is not None
    assert v2.image_id is not None

    by_tag = await ecr.batch_delete_image(
        repository_name=repository, image_ids=[{"image_tag": "v1"}, {"image_tag": "nope"}]
    )
    assert by_tag.image_ids == [v1.image_id]
    (failure,) = by_tag.failures
    assert isinstance(failure, ImageFailure)
    assert (failure.image_id, failure.failure_code) == (
        ImageIdentifier(image_tag="nope"),
        "ImageNotFound",
    )

    # By digest: the image goes with all its tags.
    by_digest = await ecr.batch_delete_image(
        repository_name=repository, image_ids=[{"image_digest": v2.image_id.image_digest}]
    )
    assert all(isinstance(i, ImageIdentifier) for i in by_digest.image_ids)
    assert {i.image_tag for i in by_digest.image_ids} == {"v2", "latest"}
    assert {i.image_digest for i in by_digest.image_ids} == {v2.image_id.image_digest}
    assert by_digest.failures == []

    assert (await ecr.list_images(repository_name=repository)).image_ids == []
    await ecr.delete_repository(repository_name=repository)  # empty now: no force needed


async def test_image_scan(ecr: ECRClient, repository: str) -> None:
    image = await push(ecr, repository, "v1")
    assert image.image_id is not None
    with expect_error(ScanNotFoundException, "DescribeImageScanFindings"):
        await ecr.describe_image_scan_findings(
            repository_name=repository, image_id={"image_tag": "v1"}
        )

    started = await ecr.start_image_scan(repository_name=repository, image_id={"image_tag": "v1"})
    assert started.repository_name == repository
    assert started.image_id == image.image_id
    assert started.image_scan_status is not None
    assert started.image_scan_status.status == "IN_PROGRESS"
    with expect_error(LimitExceededException, "StartImageScan"):  # one scan per image per day
        await ecr.start_image_scan(repository_name=repository, image_id={"image_tag": "v1"})
    with expect_error(ImageNotFoundException, "StartImageScan"):
        await ecr.start_image_scan(repository_name=repository, image_id={"image_tag": "nope"})

    # moto answers with its canned findings.
    found = await ecr.describe_image_scan_findings(
        repository_name=repository, image_id={"image_digest": image.image_id.image_digest}
    )
    assert found.image_scan_status is not None
    assert found.image_scan_status.status == "COMPLETE"
    findings = found.image_scan_findings
    assert isinstance(findings, ImageScanFindings)
    assert_recent_utc(findings.image_scan_completed_at)
    assert_recent_utc(findings.vulnerability_source_updated_at)
    assert findings.finding_severity_counts == {"HIGH": 1}
    (finding,) = findings.findings
    assert isinstance(finding, ImageScanFinding)
    assert (finding.name, finding.severity) == ("CVE-9999-9999", "HIGH")
    assert all(isinstance(a, Attribute) for a in finding.attributes)
    assert Attribute(key="package_name", value="moto_fake") in finding.attributes


# -- layer uploads -----------------------------------------------------------


async def test_layer_upload(ecr: ECRClient, repository: str) -> None:
    blob = b"a layer, uploaded in two parts"
    digest = sha256_digest(blob)
    started = await ecr.initiate_layer_upload(repository_name=repository)
    assert isinstance(started.upload_id, str)
    assert isinstance(started.part_size, int)
    assert started.part_size > 0
    upload_id = started.upload_id

    first = await ecr.upload_layer_part(
        repository_name=repository,
        upload_id=upload_id,
        part_first_byte=0,
        part_last_byte=9,
        layer_part_blob=blob[:10],
    )
    assert (first.repository_name, first.upload_id, first.last_byte_received) == (
        repository,
        upload_id,
        9,
    )
    with expect_error(InvalidLayerPartException, "UploadLayerPart") as info:  # a gap
        await ecr.upload_layer_part(
            repository_name=repository,
            upload_id=upload_id,
            part_first_byte=20,
            part_last_byte=len(blob) - 1,
            layer_part_blob=blob[20:],
        )
    # The error's modeled members are parsed onto the exception.
    assert info.value.last_valid_byte_received == 9
    assert (info.value.upload_id, info.value.repository_name) == (upload_id, repository)
    rest = await ecr.upload_layer_part(
        repository_name=repository,
        upload_id=upload_id,
        part_first_byte=10,
        part_last_byte=len(blob) - 1,
        layer_part_blob=blob[10:],
    )
    assert rest.last_byte_received == len(blob) - 1

    done = await ecr.complete_layer_upload(
        repository_name=repository, upload_id=upload_id, layer_digests=[digest]
    )
    assert (done.upload_id, done.layer_digest, done.registry_id) == (upload_id, digest, ACCOUNT)

    missing = sha256_digest(b"never uploaded")
    checked = await ecr.batch_check_layer_availability(
        repository_name=repository, layer_digests=[digest, missing, "sha256:nothex"]
    )
    assert checked.layers == [
        Layer(
            layer_digest=digest,
            layer_availability="AVAILABLE",
            layer_size=len(blob),
            media_type=DOCKER_LAYER,
        )
    ]
    assert all(isinstance(f, LayerFailure) for f in checked.failures)
    assert {(f.layer_digest, f.failure_code) for f in checked.failures} == {
        (missing, "MissingLayerDigest"),
        ("sha256:nothex", "InvalidLayerDigest"),
    }

    with expect_error(UploadNotFoundException, "UploadLayerPart"):  # completed uploads are gone
        await ecr.upload_layer_part(
            repository_name=repository,
            upload_id=upload_id,
            part_first_byte=0,
            part_last_byte=0,
            layer_part_blob=b"x",
        )
    with expect_error(UploadNotFoundException, "CompleteLayerUpload"):
        await ecr.complete_layer_upload(
            repository_name=repository, upload_id=str(uuid.uuid4()), layer_digests=[digest]
        )
    with expect_error(RepositoryNotFoundException, "InitiateLayerUpload"):
        await ecr.initiate_layer_upload(repository_name=unique("missing"))


# -- registry-wide settings (one region per test) ----------------------------


async def test_registry_policy(make_ecr: ClientFactory) -> None:
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReplicateFromPartner",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                    "Action": ["ecr:CreateRepository", "ecr:ReplicateImage"],
                    "Resource": f"arn:aws:ecr:eu-west-1:{ACCOUNT}:repository/*",
                }
            ],
        }
    )
    async with make_ecr(region="eu-west-1") as ecr:
        with expect_error(RegistryPolicyNotFoundException, "GetRegistryPolicy"):
            await ecr.get_registry_policy()
        with expect_error(RegistryPolicyNotFoundException, "DeleteRegistryPolicy"):
            await ecr.delete_registry_policy()
        pull_policy = policy.replace('"ecr:CreateRepository"', '"ecr:BatchGetImage"')
        with expect_error(InvalidParameterException, "PutRegistryPolicy"):
            await ecr.put_registry_policy(policy_text=pull_policy)

        put = await ecr.put_registry_policy(policy_text=policy)
        assert (put.registry_id, put.policy_text) == (ACCOUNT, policy)
        got = await ecr.get_registry_policy()
        assert (got.registry_id, got.policy_text) == (ACCOUNT, policy)
        deleted = await ecr.delete_registry_policy()
        assert deleted.policy_text == policy
        with expect_error(RegistryPolicyNotFoundException, "GetRegistryPolicy"):
            await ecr.get_registry_policy()


async def test_replication_configuration_and_describe_registry(make_ecr: ClientFactory) -> None:
    async with make_ecr(region="eu-west-2") as ecr:
        before = await ecr.describe_registry()
        assert before.registry_id == ACCOUNT
        assert before.replication_configuration == ReplicationConfiguration(rules=[])

        config = ReplicationConfiguration(
            rules=[
                ReplicationRule(
                    destinations=[ReplicationDestination(region="eu-west-1", registry_id=ACCOUNT)],
                    repository_filters=[
                        RepositoryFilter(filter="prod", filter_type="PREFIX_MATCH")
                    ],
                )
            ]
        )
        put = await ecr.put_replication_configuration(replication_configuration=config)
        assert put.replication_configuration == config
        after = await ecr.describe_registry()
        assert after.replication_configuration == config
        assert after.replication_configuration is not None
        (rule,) = after.replication_configuration.rules
        assert isinstance(rule, ReplicationRule)
        assert all(isinstance(d, ReplicationDestination) for d in rule.destinations)

        to_itself: ReplicationConfigurationDict = {
            "rules": [{"destinations": [{"region": "eu-west-2", "registry_id": ACCOUNT}]}]
        }
        with expect_error(InvalidParameterException, "PutReplicationConfiguration"):
            await ecr.put_replication_configuration(replication_configuration=to_itself)
        two_rules = ReplicationConfiguration(rules=[*config.rules, *config.rules])
        with expect_error(ValidationException, "PutReplicationConfiguration"):
            await ecr.put_replication_configuration(replication_configuration=two_rules)

        await ecr.put_replication_configuration(replication_configuration={"rules": []})
        reset = await ecr.describe_registry()
        assert reset.replication_configuration == before.replication_configuration


async def test_registry_scanning_configuration(make_ecr: ClientFactory) -> None:
    async with make_ecr(region="eu-central-1") as ecr:
        default = await ecr.get_registry_scanning_configuration()
        assert default.registry_id == ACCOUNT
        assert default.scanning_configuration == RegistryScanningConfiguration(
            scan_type="BASIC", rules=[]
        )

        scanned_filter = ScanningRepositoryFilter(filter="scanned-*", filter_type="WILDCARD")
        rule = RegistryScanningRule(
            scan_frequency="CONTINUOUS_SCAN", repository_filters=[scanned_filter]
        )
        put = await ecr.put_registry_scanning_configuration(scan_type="ENHANCED", rules=[rule])
        expected = RegistryScanningConfiguration(scan_type="ENHANCED", rules=[rule])
        assert put.registry_scanning_configuration == expected
        got = await ecr.get_registry_scanning_configuration()
        assert got.scanning_configuration == expected

        scanned, other = unique("scanned"), unique("other")
        for name in (scanned, other):
            await ecr.create_repository(repository_name=name)
        try:
            configs = await ecr.batch_get_repository_scanning_configuration(
                repository_names=[scanned, other]
            )
            by_name = {c.repository_name: c for c in configs.scanning_configurations}
            assert by_name[scanned].scan_frequency == "CONTINUOUS_SCAN"
            assert by_name[scanned].applied_scan_filters == [scanned_filter]
            assert by_name[other].scan_frequency == "MANUAL"
            assert by_name[other].applied_scan_filters == []
        finally:
            for name in (scanned, other):
                await ecr.delete_repository(repository_name=name)
            await ecr.put_registry_scanning_configuration(scan_type="BASIC", rules=[])


# -- authorization -----------------------------------------------------------


async def test_get_authorization_token(ecr: ECRClient) -> None:
    before = datetime.now(UTC)
    resp = await ecr.get_authorization_token()
    after = datetime.now(UTC)
    (data,) = resp.authorization_data
    assert isinstance(data, AuthorizationData)
    assert data.proxy_endpoint == f"https://{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"
    assert isinstance(data.expires_at, datetime)
    # moto's canned expiry is 2015-01-01; LocalECR gives 12 hours from now, as ECR does,
    # in epoch seconds with millisecond precision (so up to 0.5 ms either way).
    rounding = timedelta(milliseconds=1)
    lifetime = timedelta(hours=12)
    assert before + lifetime - rounding <= data.expires_at <= after + lifetime + rounding
    assert data.expires_at.utcoffset() == timedelta(0)
    assert isinstance(data.authorization_token, str)
    user, _, password = base64.b64decode(data.authorization_token).decode().partition(":")
    assert (user, password) == ("AWS", f"{ACCOUNT}-auth-token")  # moto's fake password
    # The token is a credential: it never shows in repr() or str().
    assert data.authorization_token not in repr(resp)
    assert data.authorization_token not in str(resp)

    others = await ecr.get_authorization_token(registry_ids=["111122223333", "444455556666"])
    assert [d.proxy_endpoint for d in others.authorization_data] == [
        f"https://111122223333.dkr.ecr.{REGION}.amazonaws.com",
        f"https://444455556666.dkr.ecr.{REGION}.amazonaws.com",
    ]


# -- what moto lacks, and the inventory --------------------------------------


async def test_moto_stub_answers_500_as_a_plain_service_error(make_ecr: ClientFactory) -> None:
    # Called through the operation table, so the inventory does not count it as tested.
    method = OPERATIONS["GetDownloadUrlForLayer"][0]
    async with make_ecr(config=ClientConfig(max_attempts=1)) as ecr:
        with pytest.raises(ServiceError) as info:
            await getattr(ecr, method)(
                repository_name=unique("any"), layer_digest=sha256_digest(b"")
            )
    exc = info.value
    assert type(exc) is ServiceError  # no modeled code: moto sends an HTML error page
    assert (exc.code, exc.status_code, exc.operation_name) == ("500", 500, "GetDownloadUrlForLayer")
    assert exc.message.startswith("non-JSON error body")


def calls_in_this_module() -> list[ast.Call]:
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def operations_called_here() -> set[str]:
    """The operations whose client method this module calls by name (``x.method(...)``)."""
    by_method = {method: name for name, (method, _, _) in OPERATIONS.items()}
    return {
        by_method[call.func.attr]
        for call in calls_in_this_module()
        if isinstance(call.func, ast.Attribute) and call.func.attr in by_method
    }


def errors_checked_here() -> set[str]:
    """The error classes this module passes to ``expect_error``."""
    return {
        call.args[0].id
        for call in calls_in_this_module()
        if isinstance(call.func, ast.Name)
        and call.func.id == expect_error.__name__
        and isinstance(call.args[0], ast.Name)
    }


def test_every_operation_is_tested_or_listed_as_not_implemented() -> None:
    from moto.ecr.responses import ECRResponse

    tested = operations_called_here()
    not_implemented = set(NOT_IMPLEMENTED_BY_MOTO)
    assert len(OPERATIONS) == 62
    assert len(not_implemented) == len(NOT_IMPLEMENTED_BY_MOTO)
    assert tested.isdisjoint(not_implemented)
    assert tested | not_implemented == set(OPERATIONS)
    assert (len(tested), len(not_implemented)) == (34, 28)

    # moto agrees: a handler for every tested operation, none for the rest but its stubs.
    has_handler = {
        name for name, (method, _, _) in OPERATIONS.items() if hasattr(ECRResponse, method)
    }
    assert tested <= has_handler
    assert not_implemented & has_handler == MOTO_STUBS


def test_every_error_moto_raises_is_modeled_and_checked() -> None:
    import moto.ecr.exceptions
    from moto.core.exceptions import ServiceException

    moto_codes = {
        value.code
        for value in vars(moto.ecr.exceptions).values()
        if isinstance(value, type)
        and issubclass(value, ServiceException)
        and value.__module__ == moto.ecr.exceptions.__name__
    }
    assert moto_codes <= set(ERROR_CLASSES)  # each one arrives as its own ecrkit class
    assert errors_checked_here() == moto_codes
