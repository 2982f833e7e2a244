"""docker-credential-ecrkit as Docker and containers/image run it: golden stdin/stdout
for every action, and its file cache (one API call for many gets, parallel helpers,
never an expired token, eviction). The helper runs as a process against LocalECR."""

from __future__ import annotations

import json
import stat
import sys
import time
from pathlib import Path

import pytest

from ecrkit import __version__
from ecrkit.registry._cache import CACHE_VERSION
from ecrkit.testing import LocalECR

from ._support import (
    ACCESS_KEY,
    ACCOUNT,
    HOST,
    PASSWORD,
    PUBLIC_PASSWORD,
    SECRET_KEY,
    Helper,
    counted_tokens,
    failing_server,
    json_server,
    public_token,
)

NOT_FOUND = "credentials not found in native keychain\n"


@pytest.fixture
def helper(tmp_path: Path, ecr_local: LocalECR) -> Helper:
    return Helper(tmp_path, ecr_local.endpoint_url)


def golden(server_url: str) -> str:
    return json.dumps({"ServerURL": server_url, "Username": "AWS", "Secret": PASSWORD})


# -- golden answers, action by action -----------------------------------------------


def test_get_an_ecr_host(helper: Helper) -> None:
    result = helper("get", stdin=f"https://{HOST}\n")
    assert (result.code, result.out) == (0, golden(f"https://{HOST}"))


def test_get_a_mapped_host_as_skopeo_sends_it(helper: Helper) -> None:
    helper.map("127.0.0.1:5000")
    result = helper("get", stdin="127.0.0.1:5000")  # no scheme, no newline
    assert (result.code, result.out) == (0, golden("127.0.0.1:5000"))


@pytest.mark.parametrize("stdin", ["", "\n", "   "])
def test_get_with_empty_stdin(helper: Helper, stdin: str) -> None:
    result = helper("get", stdin=stdin)
    assert (result.code, result.out) == (1, "no credentials server URL\n")


@pytest.mark.parametrize(
    "host",
    ["registry.example.com", "127.0.0.1:5000", f"{HOST}.fake.example.com", "public.ecr.aws.evil"],
)
def test_get_a_non_ecr_unmapped_host_is_not_found(helper: Helper, host: str) -> None:
    result = helper("get", stdin=host)
    assert (result.code, result.out) == (1, NOT_FOUND)
    assert "not an ECR registry host, and not mapped" in result.err  # the diagnosis


def test_store_succeeds_for_ecr_and_mapped_hosts_and_fails_for_others(helper: Helper) -> None:
    helper.map("127.0.0.1:5000")
    for url in (HOST, f"https://{HOST}", "127.0.0.1:5000"):
        creds = json.dumps({"ServerURL": url, "Username": "AWS", "Secret": "typed-by-a-user"})
        result = helper("store", stdin=creds)
        assert (result.code, result.out) == (0, "")
        assert "typed-by-a-user" not in result.err
    other = helper(
        "store", stdin=json.dumps({"ServerURL": "other.example", "Username": "u", "Secret": "s"})
    )
    assert other.code == 1
    assert other.out == (
        f"ecrkit stores no credentials: other.example is not an ECR registry host and is not "
        f"mapped to one in {helper.config}\n"
    )
    for bad in ("", "not json", "[]", '{"Username": "u"}'):
        result = helper("store", stdin=bad)
        assert (result.code, result.out) == (1, "store: stdin must be JSON with a ServerURL\n")


def test_erase_succeeds_for_ecr_hosts_and_drops_the_cached_token(helper: Helper) -> None:
    assert helper("get", stdin=HOST).code == 0
    assert helper.cache_file()["entries"]
    result = helper("erase", stdin=HOST)
    assert (result.code, result.out) == (0, "")
    assert helper.cache_file()["entries"] == {}
    other = helper("erase", stdin="other.example")
    assert other.code == 1 and other.out.startswith("ecrkit keeps no credentials for other.example")
    assert helper("erase", stdin="").out == "no credentials server URL\n"


def test_list_names_mapped_and_cached_hosts(helper: Helper) -> None:
    helper.map("127.0.0.1:5000")
    assert helper("list").out == '{"127.0.0.1:5000": "AWS"}'
    helper("get", stdin=HOST)
    result = helper("list")
    assert (result.code, json.loads(result.out)) == (0, {"127.0.0.1:5000": "AWS", HOST: "AWS"})


def test_version(helper: Helper) -> None:
    result = helper("version")
    assert (result.code, result.out) == (0, f"docker-credential-ecrkit (ecrkit) {__version__}\n")


@pytest.mark.parametrize(
    ("args", "shown"), [(("frob",), "unknown action 'frob'"), ((), "no action")]
)
def test_an_unknown_action(helper: Helper, args: tuple[str, ...], shown: str) -> None:
    result = helper(*args, stdin=HOST)
    assert result.code == 1
    assert (
        result.out == f"{shown}: usage: docker-credential-ecrkit <get|store|erase|list|version>\n"
    )


def test_a_broken_mapping_file_is_named(helper: Helper) -> None:
    helper.config.write_text(
        '[registries."127.0.0.1:5000"]\naccount = "12"\nregion = "us-east-1"\n'
    )
    result = helper("get", stdin="127.0.0.1:5000")
    assert result.code == 1
    assert (
        result.out
        == f"{helper.config}: registries.'127.0.0.1:5000': account must be a valid account, got '12'\n"
    )
    helper.config.write_text("[registries\n")
    assert helper("get", stdin=HOST).out.startswith(f"{helper.config}: ")


# -- the cache -------------------------------------------------------------------------


def test_ten_gets_make_one_api_call(helper: Helper, monkeypatch: pytest.MonkeyPatch) -> None:
    with counted_tokens(monkeypatch) as calls:
        answers = [helper("get", stdin=HOST) for _ in range(10)]
    assert [a.code for a in answers] == [0] * 10
    assert {a.out for a in answers} == {golden(HOST)}
    assert len(calls) == 1
    assert sum("cache hit" in a.err for a in answers) == 9


def test_the_cache_file_is_private_versioned_and_keyed_by_source(helper: Helper) -> None:
    helper("get", stdin=HOST)
    path = helper.cache / "registry-tokens.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(helper.cache.stat().st_mode) == 0o700
    doc = helper.cache_file()
    assert doc["version"] == CACHE_VERSION
    (key,) = doc["entries"]
    assert key.startswith("key:") and key.endswith(f"|us-east-1|{ACCOUNT}")
    assert ACCESS_KEY not in path.read_text()  # a hash of the key id, never the id
    profiled = helper("get", stdin=HOST, env={"ECRKIT_PROFILE": "other"})
    # a profile is another source: another entry (that profile has no credentials here)
    assert profiled.code == 1 and "profile other" in profiled.err


def test_parallel_helpers_fetch_once_and_leave_a_valid_cache(
    helper: Helper, monkeypatch: pytest.MonkeyPatch
) -> None:
    with counted_tokens(monkeypatch) as calls:
        procs = [helper.popen("get") for _ in range(32)]
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write(HOST)
            proc.stdin.close()
        outs = [
            (proc.wait(timeout=120), proc.stdout.read() if proc.stdout else "") for proc in procs
        ]
        for proc in procs:
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()
    assert outs == [(0, golden(HOST))] * 32
    assert len(calls) == 1  # the lock held across the fetch: the other 31 read its entry
    doc = helper.cache_file()
    assert doc["version"] == CACHE_VERSION and len(doc["entries"]) == 1
    assert not list(helper.cache.glob(".*.tmp"))


def _seed(helper: Helper, expires_at: float, key: str | None = None) -> str:
    """Put one entry in the cache by hand (the key the helper would use by default)."""
    helper("get", stdin=HOST)  # learn the key
    doc = helper.cache_file()
    (real_key,) = doc["entries"]
    entry = doc["entries"][real_key] | {"expires_at": expires_at, "password": "SEEDED-" + PASSWORD}
    doc["entries"] = {key or real_key: entry}
    (helper.cache / "registry-tokens.json").write_text(json.dumps(doc))
    return key or real_key


def test_an_expired_entry_with_the_control_plane_down_is_not_found(
    tmp_path: Path, helper: Helper
) -> None:
    _seed(helper, time.time() - 1)
    with failing_server() as down:
        result = helper("get", stdin=HOST, env={"AWS_ENDPOINT_URL_ECR": down})
    assert (result.code, result.out) == (1, NOT_FOUND)
    assert "SEEDED" not in result.out + result.err and PASSWORD not in result.out + result.err
    assert "no token for" in result.err and "ServerException" in result.err


def test_a_stale_entry_is_served_only_when_the_refresh_fails(helper: Helper) -> None:
    key = _seed(helper, time.time() + 600)  # within the 30 min margin, not expired
    with failing_server() as down:
        result = helper("get", stdin=HOST, env={"AWS_ENDPOINT_URL_ECR": down})
    assert result.code == 0 and json.loads(result.out)["Secret"] == "SEEDED-" + PASSWORD
    assert "refresh for" in result.err and "serving the cached token" in result.err
    assert "SEEDED" not in result.err
    fresh = helper("get", stdin=HOST)  # the control plane is back: a fresh token
    assert json.loads(fresh.out)["Secret"] == PASSWORD
    assert helper.cache_file()["entries"][key]["expires_at"] > time.time() + 11 * 3600


def test_expired_entries_are_evicted_on_write(helper: Helper) -> None:
    _seed(helper, time.time() - 5, key="profile:gone|eu-west-1|210987654321")
    assert helper("get", stdin=HOST).code == 0
    entries = helper.cache_file()["entries"]
    assert len(entries) == 1 and "profile:gone|eu-west-1|210987654321" not in entries


def test_an_unreadable_or_other_version_cache_is_ignored(helper: Helper) -> None:
    helper.cache.mkdir(mode=0o700)
    path = helper.cache / "registry-tokens.json"
    for junk in ("{not json", json.dumps({"version": 99, "entries": {"x": {}}})):
        path.write_text(junk)
        result = helper("get", stdin=HOST)
        assert (result.code, result.out) == (0, golden(HOST))
        assert helper.cache_file()["version"] == CACHE_VERSION


def test_the_log_file_and_no_secret_in_it(helper: Helper) -> None:
    helper("get", stdin=HOST, env={"ECRKIT_LOG_FILE": str(helper.log)})
    helper("get", stdin=HOST, env={"ECRKIT_LOG_FILE": str(helper.log)})
    text = helper.log.read_text()
    assert "cache miss" in text and "cache hit" in text
    for secret in (PASSWORD, SECRET_KEY, ACCESS_KEY):
        assert secret not in text


def test_the_cache_hit_path_imports_the_standard_library_only(helper: Helper) -> None:
    helper("get", stdin=HOST)
    code = (
        "import io, sys; from ecrkit.registry import _cli; "
        f"rc = _cli.run(['get'], io.StringIO({HOST!r}), io.StringIO()); "
        "third = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('pydantic', 'aiohttp', 'botocore', 'yarl', 'multidict') or m.startswith('ecrkit._')); "
        "assert rc == 0 and not third, third"
    )
    import subprocess

    subprocess.run([sys.executable, "-c", code], check=True, env=helper.env, timeout=60)


def test_public_ecr_aws_never_falls_back_to_ecr(helper: Helper) -> None:
    """ECR Public unreachable (a dead loopback port): not found, with the reason, even
    though ECR itself (LocalECR) answers."""
    dead = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}
    result = helper("get", stdin="public.ecr.aws", env=dead)
    assert (result.code, result.out) == (1, NOT_FOUND)
    assert "no token for public.ecr.aws" in result.err
    store = json.dumps({"ServerURL": "public.ecr.aws", "Username": "AWS", "Secret": "x"})
    assert helper("store", stdin=store).code == 0


def test_no_cache_fetches_every_time(helper: Helper, monkeypatch: pytest.MonkeyPatch) -> None:
    with counted_tokens(monkeypatch) as calls:
        for _ in range(2):
            result = helper("get", stdin=HOST, env={"ECRKIT_NO_CACHE": "1"})
            assert (result.code, result.out) == (0, golden(HOST))
    assert len(calls) == 2 and not helper.cache.exists()


def test_an_unwritable_log_file_falls_back_to_stderr(helper: Helper, tmp_path: Path) -> None:
    result = helper("version", env={"ECRKIT_LOG_FILE": str(tmp_path / "missing" / "helper.log")})
    assert result.code == 0 and result.out.startswith("docker-credential-ecrkit")
    assert "cannot be written (No such file or directory): logging to stderr" in result.err


def test_a_registry_mapped_to_a_profile_signs_with_it_and_is_cached_under_it(
    helper: Helper,
) -> None:
    aws = Path(helper.env["AWS_SHARED_CREDENTIALS_FILE"])
    aws.parent.mkdir(parents=True)
    aws.write_text("[ci]\naws_access_key_id = AKIDPROFILECI\naws_secret_access_key = ci-secret\n")
    helper.config.write_text(f'[registries."{HOST}"]\nprofile = "ci"\n')
    result = helper("get", stdin=HOST, env={"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""})
    assert (result.code, result.out) == (0, golden(HOST))
    assert "credentials: profile ci" in result.err
    assert list(helper.cache_file()["entries"]) == [f"profile:ci|us-east-1|{ACCOUNT}"]


def test_public_ecr_aws_logs_in_through_ecr_public(helper: Helper) -> None:
    with json_server(public_token) as public:
        env = {"AWS_ENDPOINT_URL_ECR_PUBLIC": public.url}
        first = helper("get", stdin="public.ecr.aws", env=env)
        second = helper("get", stdin="https://public.ecr.aws", env=env)
    answer = {"ServerURL": "public.ecr.aws", "Username": "AWS", "Secret": PUBLIC_PASSWORD}
    assert (first.code, first.out) == (0, json.dumps(answer))
    assert second.code == 0 and "cache hit" in second.err
    assert public.targets == ["SpencerFrontendService.GetAuthorizationToken"]
    (key,) = helper.cache_file()["entries"]
    assert key.endswith("|us-east-1|public")
