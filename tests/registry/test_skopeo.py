"""The real flow: Debian's docker-registry (CNCF distribution) with htpasswd Basic auth
for ``AWS`` and moto's registry password, and skopeo, whose only credentials come from
``credHelpers: {"127.0.0.1:<port>": "ecrkit"}`` -> docker-credential-ecrkit -> LocalECR
(moto with a real 12 h expiry). ``skopeo copy`` of a small OCI image built here,
``skopeo inspect``, ``skopeo login`` and ``skopeo logout`` must all exit 0. Everything on
127.0.0.1; the registry's storage in tmp_path. Once per session (one test).

The binaries come from apt (``nox -s tests`` installs them when run as root, as CI
does); without them the test skips and says which is missing.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import queue
import shutil
import socket
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecrkit.testing import LocalECR

from ._support import COMMAND, PASSWORD, Helper, counted_tokens

TOOLS = {"docker-registry": "docker-registry", "skopeo": "skopeo", "htpasswd": "apache2-utils"}


def _missing() -> list[str]:
    return [
        f"{tool} (apt-get install {package})"
        for tool, package in TOOLS.items()
        if shutil.which(tool) is None
    ]


pytestmark = pytest.mark.skipif(bool(_missing()), reason=f"needs {', '.join(_missing())}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _blob(root: Path, data: bytes) -> dict[str, Any]:
    digest = hashlib.sha256(data).hexdigest()
    (root / "blobs" / "sha256" / digest).write_bytes(data)
    return {"digest": f"sha256:{digest}", "size": len(data)}


def write_oci_layout(root: Path) -> None:
    """An oci: layout of one tiny image, tag ``v1``: one layer, a config, a manifest."""
    (root / "blobs" / "sha256").mkdir(parents=True)
    tar_bytes = io.BytesIO()
    with tarfile.open(fileobj=tar_bytes, mode="w") as tar:
        content = b"hello from ecrkit's registry test\n"
        info = tarfile.TarInfo("hello.txt")
        info.size, info.mtime, info.mode = len(content), 0, 0o644
        tar.addfile(info, io.BytesIO(content))
    layer_tar = tar_bytes.getvalue()
    layer = _blob(root, gzip.compress(layer_tar, mtime=0))
    config = _blob(
        root,
        json.dumps(
            {
                "architecture": "amd64",
                "os": "linux",
                "config": {},
                "rootfs": {
                    "type": "layers",
                    "diff_ids": [f"sha256:{hashlib.sha256(layer_tar).hexdigest()}"],
                },
            }
        ).encode(),
    )
    manifest = _blob(
        root,
        json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", **config},
                "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", **layer}],
            }
        ).encode(),
    )
    index = {
        "schemaVersion": 2,
        "manifests": [
            {
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                **manifest,
                "annotations": {"org.opencontainers.image.ref.name": "v1"},
            }
        ],
    }
    (root / "index.json").write_text(json.dumps(index))
    (root / "oci-layout").write_text('{"imageLayoutVersion": "1.0.0"}')


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[str]:
    """docker-registry on 127.0.0.1 with Basic auth for AWS / moto's registry password."""
    htpasswd = subprocess.run(
        ["htpasswd", "-nbB", "AWS", PASSWORD], capture_output=True, text=True, check=True
    ).stdout
    (tmp_path / "htpasswd").write_text(htpasswd)
    address = f"127.0.0.1:{_free_port()}"
    config = {
        "version": 0.1,
        "log": {"level": "info", "accesslog": {"disabled": True}},
        "storage": {"filesystem": {"rootdirectory": str(tmp_path / "storage")}},
        "http": {"addr": address, "secret": "ecrkit-registry-test"},
        "auth": {"htpasswd": {"realm": "ecrkit-test", "path": str(tmp_path / "htpasswd")}},
    }
    (tmp_path / "registry.yml").write_text(json.dumps(config))  # JSON is YAML
    proc = subprocess.Popen(
        ["docker-registry", "serve", str(tmp_path / "registry.yml")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def pump() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.put(line)
        lines.put("")

    pumping = threading.Thread(target=pump, daemon=True)
    pumping.start()
    try:
        seen: list[str] = []
        while True:  # its "listening on" line, not a sleep
            line = lines.get(timeout=30)
            seen.append(line)
            if not line:
                pytest.fail("docker-registry exited:\n" + "".join(seen))
            if "listening on" in line:
                break
        yield address
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        pumping.join(timeout=30)  # it reads to EOF, then stops
        if proc.stderr is not None:
            proc.stderr.close()


def _skopeo(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["skopeo", *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


def test_skopeo_copy_inspect_login_logout_with_credentials_from_the_helper(
    tmp_path: Path, registry: str, ecr_local: LocalECR, monkeypatch: pytest.MonkeyPatch
) -> None:
    helper = Helper(tmp_path / "helper", ecr_local.endpoint_url)
    helper.root.mkdir()
    helper.map(registry)  # 127.0.0.1:<port> is moto's account, us-east-1
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "docker-credential-ecrkit"
    script.write_text("#!/bin/sh\nexec " + " ".join(COMMAND) + ' "$@"\n')
    script.chmod(0o755)
    auth_file = tmp_path / "auth.json"
    auth_file.write_text(json.dumps({"credHelpers": {registry: "ecrkit"}}))
    env = {
        **helper.env,
        "PATH": f"{bin_dir}{os.pathsep}{helper.env['PATH']}",
        "REGISTRY_AUTH_FILE": str(auth_file),
        "ECRKIT_LOG_FILE": str(helper.log),
    }
    layout = tmp_path / "oci"
    write_oci_layout(layout)
    image = f"docker://{registry}/demo/app:v1"
    insecure = "--tls-verify=false"

    # Without the helper, the registry refuses: the credentials below come from it only.
    bare_auth = tmp_path / "empty-auth.json"
    bare_auth.write_text("{}")
    refused = _skopeo("inspect", insecure, image, env={**env, "REGISTRY_AUTH_FILE": str(bare_auth)})
    assert refused.returncode != 0 and "unauthorized" in refused.stderr.lower()

    with counted_tokens(monkeypatch) as calls:
        copy = _skopeo("copy", "--dest-tls-verify=false", f"oci:{layout}:v1", image, env=env)
        assert copy.returncode == 0, copy.stderr
        inspect = _skopeo("inspect", insecure, image, env=env)
        assert inspect.returncode == 0, inspect.stderr
        assert json.loads(inspect.stdout)["Name"] == f"{registry}/demo/app"

        login = _skopeo("login", insecure, registry, env=env)  # existing credentials: get
        assert login.returncode == 0, login.stderr
        assert "Already logged in" in login.stdout
        password = json.loads(helper("get", stdin=registry, env=env).out)["Secret"]
        typed = _skopeo(
            "login", insecure, "-u", "AWS", "--password-stdin", registry, env=env, stdin=password
        )
        assert typed.returncode == 0, typed.stderr  # checked against the registry, then store
        logout = _skopeo("logout", registry, env=env)  # erase
        assert logout.returncode == 0, logout.stderr

    assert len(calls) == 1  # every helper call after the first answered from the cache
    written = json.loads(auth_file.read_text())  # skopeo rewrote it: still no password in it
    assert written["credHelpers"] == {registry: "ecrkit"} and not written.get("auths")
    assert PASSWORD not in auth_file.read_text()
    log = helper.log.read_text()
    assert "store " in log and "erase " in log and "cache hit" in log
    assert PASSWORD not in log
