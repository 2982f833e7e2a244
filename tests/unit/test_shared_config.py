"""The precedence table (argument > environment > profile > default), one row per
setting and source, with botocore's ``create_client`` as the oracle: for every row
ecrkit's set-up ends with the value botocore's client ends with."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import botocore.config
import botocore.exceptions
import botocore.session
import pytest

import ecrkit._setup
import ecrkit._shared_config
from ecrkit import ClientConfig
from ecrkit._generated import endpoint_rules
from ecrkit._setup import Prepared, prepare


class Row(NamedTuple):
    """One setting: how each source spells it, and how to read the outcome."""

    #: ecrkit: (argument name, value) -- "region" and "endpoint_url" are ECRClient
    #: arguments, everything else a ClientConfig field.
    ecrkit_arg: tuple[str, Any]
    #: botocore: create_client keyword arguments.
    botocore_arg: dict[str, Any]
    env: tuple[str, str]
    profile: str  # lines for the profile section
    ecrkit_value: Callable[[Prepared], Any]
    botocore_value: Callable[[Any], Any]


def _url(p: Prepared) -> str:
    return p.url.rstrip("/")


ROWS: dict[str, Row] = {
    "region": Row(
        ("region", "eu-west-1"),
        {"region_name": "eu-west-1"},
        ("AWS_DEFAULT_REGION", "eu-west-2"),
        "region = eu-west-3",
        lambda p: p.region,
        lambda c: c.meta.region_name,
    ),
    "retry_mode": Row(
        ("retry_mode", "adaptive"),
        {"config": botocore.config.Config(retries={"mode": "adaptive"})},
        ("AWS_RETRY_MODE", "standard"),
        "retry_mode = adaptive",
        lambda p: p.config.retry_mode,
        lambda c: c.meta.config.retries["mode"],
    ),
    "max_attempts": Row(
        ("max_attempts", 7),
        {"config": botocore.config.Config(retries={"total_max_attempts": 7})},
        ("AWS_MAX_ATTEMPTS", "5"),
        "max_attempts = 4",
        lambda p: p.config.max_attempts,
        lambda c: c.meta.config.retries.get("total_max_attempts", 3),
    ),
    "endpoint_url": Row(
        ("endpoint_url", "http://argument.example:1"),
        {"endpoint_url": "http://argument.example:1"},
        ("AWS_ENDPOINT_URL_ECR", "http://environment.example:2"),
        "services = local\nendpoint_url = http://profile-global.example:4",
        _url,
        lambda c: c.meta.endpoint_url,
    ),
    "use_fips_endpoint": Row(
        ("use_fips_endpoint", True),
        {"config": botocore.config.Config(use_fips_endpoint=True)},
        ("AWS_USE_FIPS_ENDPOINT", "false"),
        "use_fips_endpoint = true",
        lambda p: p.config.use_fips_endpoint,
        lambda c: "-fips." in c.meta.endpoint_url,
    ),
    "use_dualstack_endpoint": Row(
        ("use_dualstack_endpoint", True),
        {"config": botocore.config.Config(use_dualstack_endpoint=True)},
        ("AWS_USE_DUALSTACK_ENDPOINT", "false"),
        "use_dualstack_endpoint = true",
        lambda p: p.config.use_dualstack_endpoint,
        lambda c: c.meta.endpoint_url.endswith(".api.aws"),
    ),
    "ca_bundle": Row(
        ("verify", "/argument/ca.pem"),
        {"verify": "/argument/ca.pem"},
        ("AWS_CA_BUNDLE", "/environment/ca.pem"),
        "ca_bundle = /profile/ca.pem",
        lambda p: p.network.ssl,  # the path tls_context was asked to load (patched below)
        lambda c: c._endpoint.http_session._verify,
    ),
    "sdk_ua_app_id": Row(
        ("user_agent_appid", "argument-app"),
        {"config": botocore.config.Config(user_agent_appid="argument-app")},
        ("AWS_SDK_UA_APP_ID", "environment-app"),
        "sdk_ua_app_id = profile-app",
        lambda p: p.config.user_agent_appid,
        lambda c: c.meta.config.user_agent_appid,
    ),
}
SERVICES = "\n[services local]\necr =\n  endpoint_url = http://profile-services.example:3\n"
LEVELS = ["argument", "environment", "profile", "default"]


def _ecrkit(row: Row, level: str) -> Prepared:
    args: dict[str, Any] = {"region_arg": "us-east-1", "endpoint_arg": None}
    config: dict[str, Any] = {}
    if level == "argument":
        name, value = row.ecrkit_arg
        if name in ("region", "endpoint_url"):
            args[f"{name.split('_')[0]}_arg"] = value
        else:
            config[name] = value
    if row is ROWS["region"] and level != "argument":
        args["region_arg"] = None
    given = ClientConfig(**config)
    return prepare(
        service_id="ECR",
        ruleset=endpoint_rules.ruleset,
        partitions=endpoint_rules.partitions,
        profile="p",
        given=given,
        resolved=given.resolved(),
        sdk=("ecrkit", "0"),
        **args,
    )


def _botocore(row: Row, level: str) -> Any:
    kwargs: dict[str, Any] = {"region_name": "us-east-1"}
    if level == "argument":
        kwargs.update(row.botocore_arg)
    if row is ROWS["region"] and level != "argument":
        kwargs.pop("region_name")
    return botocore.session.Session(profile="p").create_client("ecr", **kwargs)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("setting", list(ROWS))
def test_precedence_matches_botocore(
    setting: str, level: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    row = ROWS[setting]
    if setting == "region" and level == "default":
        pytest.skip(
            "no region anywhere: botocore's client has None, ecrkit raises (test_no_region)"
        )
    config = tmp_path / "config"
    profile = row.profile if level in ("argument", "environment", "profile") else ""
    config.write_text(f"[profile p]\n{profile}\n{SERVICES}")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    if level in ("argument", "environment"):
        monkeypatch.setenv(*row.env)
    monkeypatch.setattr(
        ecrkit._setup, "tls_context", lambda verify, bundle: verify or (bundle and bundle[0])
    )
    ours, theirs = row.ecrkit_value(_ecrkit(row, level)), row.botocore_value(_botocore(row, level))
    if setting == "ca_bundle" and level == "default":
        # botocore's default is its certifi bundle; ecrkit's the default trust store (None).
        assert theirs not in ("/argument/ca.pem", "/environment/ca.pem", "/profile/ca.pem")
        theirs = None
    assert ours == theirs


def test_the_services_section_wins_over_the_profiles_endpoint_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.write_text(f"[profile p]\n{ROWS['endpoint_url'].profile}\n{SERVICES}")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    assert _url(_ecrkit(ROWS["endpoint_url"], "profile")) == "http://profile-services.example:3"
    config.write_text("[profile p]\nendpoint_url = http://profile-global.example:4\n")
    assert _url(_ecrkit(ROWS["endpoint_url"], "profile")) == "http://profile-global.example:4"
    config.write_text(
        "[profile p]\nendpoint_url = http://profile-global.example:4\n"
        "ignore_configured_endpoint_urls = true\n"
    )
    assert (
        _url(_ecrkit(ROWS["endpoint_url"], "profile")) == "https://api.ecr.us-east-1.amazonaws.com"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("max_attempts = many", "max_attempts in the shared config file .profile 'p'."),
        (
            "max_attempts = 0",
            "max_attempts in the shared config file .profile 'p'. is not valid: "
            "max_attempts must be an integer >= 1",
        ),
        ("retry_mode = sometimes", "retry_mode in the shared config file .profile 'p'."),
        ("services = nowhere", "endpoint_url in the shared config file .profile 'p'."),
        ("endpoint_url = ftp://x", "the shared config file .profile 'p'."),
        ("region = not/a/region", "the shared config file .profile 'p'."),
    ],
)
def test_a_bad_profile_value_names_the_setting_and_the_profile(
    line: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.write_text(f"[profile p]\n{line}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    with pytest.raises(ValueError, match=message):
        _ecrkit(ROWS["region" if "region" in line else "retry_mode"], "profile")


@pytest.mark.parametrize(
    ("config_text", "credentials_text", "env_profile"),
    [
        ("[profile dev]\nretry_mode = adaptive\nregion = eu-north-1\n", "", "dev"),
        ("[default]\nregion = eu-north-1\n", "[default]\nregion = sa-east-1\n", None),
        ("", "[dev]\nregion = ap-east-1\nmax_attempts = 9\n", "dev"),
        ("[profile dev]\nregion = eu-north-1\n", "", "missing"),
    ],
)
def test_the_profile_is_chosen_and_merged_as_botocore_does(
    config_text: str,
    credentials_text: str,
    env_profile: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """AWS_PROFILE picks the profile; the credentials file's profiles are merged in."""
    (tmp_path / "config").write_text(config_text)
    (tmp_path / "credentials").write_text(credentials_text)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    if env_profile:
        monkeypatch.setenv("AWS_PROFILE", env_profile)
    shared = ecrkit._shared_config.load(None, "ECR")
    if env_profile == "missing":
        with pytest.raises(botocore.exceptions.ProfileNotFound):
            botocore.session.Session().create_client("ecr", region_name="us-east-1")
        assert shared.region is None and shared.retry_mode is None  # no settings
        return
    client = botocore.session.Session().create_client("ecr")
    assert shared.region is not None and shared.region.value == client.meta.region_name
    retries = client.meta.config.retries
    mode = shared.retry_mode.value if shared.retry_mode else "standard"
    assert mode == retries["mode"]
    attempts = int(shared.max_attempts.value) if shared.max_attempts else 3
    assert attempts == retries.get("total_max_attempts", 3)


def test_an_argument_wins_over_a_bad_profile_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "config"
    config.write_text("[profile p]\nmax_attempts = many\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    prepared = _ecrkit(ROWS["max_attempts"], "argument")  # max_attempts=7 given
    assert prepared.config.max_attempts == 7
    with pytest.raises(ValueError, match="max_attempts in the shared config file"):
        _ecrkit(ROWS["max_attempts"], "profile")


def test_no_region(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No argument, variable or profile region: an EndpointResolutionError before anything is sent."""
    from ecrkit.errors import EndpointResolutionError

    (tmp_path / "config").write_text("[profile p]\nretry_mode = standard\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    with pytest.raises(EndpointResolutionError, match="No AWS region"):
        _ecrkit(ROWS["region"], "profile")
