from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from assistantsync.api.providers import resolve_connection
from assistantsync.errors import MissingCredentials
from assistantsync.project.selection import (
    EnvironmentChoice,
    chosen_name,
    environment_connection,
    environments_to_run,
    saved_environment,
)
from assistantsync.project.values import Environment, Project

DEV = Environment("dev")
PROD = Environment("prod", provider="azure-foundry", base_url="https://prod.example/api/projects/p",
                   api_key_env="PROD_FOUNDRY_TOKEN")
KEYED = Environment("keyed", api_key_env="DEV_KEY")  # no provider: the options' provider, its key elsewhere
PROJECT = Project(Path("assistantsync.yaml"), {"dev": DEV, "prod": PROD})
BARE = Project(Path("conf/assistantsync.yaml"))

NAMES = [  # flag, ASSISTANTSYNC_ENV, chosen
    (None, None, None),
    ("dev", None, "dev"),
    (None, "prod", "prod"),
    ("dev", "prod", "dev"),  # the flag wins
    ("", "prod", "prod"),  # an empty flag is unset
    (None, "", None),
]


@pytest.mark.parametrize(("flag", "variable", "expected"), NAMES)
def test_chosen_name(flag: str | None, variable: str | None, expected: str | None) -> None:
    environ = {} if variable is None else {"ASSISTANTSYNC_ENV": variable}
    assert chosen_name(flag, environ) == expected


RUNS = [  # project, name, every, environments
    (None, None, False, (None,)),
    (None, None, True, (None,)),
    (BARE, None, False, (None,)),
    (BARE, None, True, (None,)),
    (PROJECT, "dev", False, (DEV,)),
    (PROJECT, "prod", True, (PROD,)),
    (PROJECT, None, True, (DEV, PROD)),
]


@pytest.mark.parametrize(("project", "name", "every", "expected"), RUNS)
def test_environments_to_run(project: Project | None, name: str | None, every: bool,
                             expected: tuple[Environment | None, ...]) -> None:
    assert environments_to_run(project, name, every=every) == expected


REFUSED = [  # project, name, message
    (None, "dev", "--env dev (or ASSISTANTSYNC_ENV) needs a project file that defines it, and there is none: no "
                  "assistantsync.yaml here, no --project, no ASSISTANTSYNC_PROJECT"),
    (PROJECT, None, "the project file assistantsync.yaml defines dev and prod: choose one with --env NAME (or "
                    "ASSISTANTSYNC_ENV); nothing was sent"),
    (PROJECT, "staging", "unknown environment 'staging': the project file assistantsync.yaml defines dev and prod"),
    (BARE, "dev", "unknown environment 'dev': the project file conf/assistantsync.yaml defines no environments"),
]


@pytest.mark.parametrize(("project", "name", "message"), REFUSED)
def test_refusals_name_the_choices(project: Project | None, name: str | None, message: str) -> None:
    with pytest.raises(EnvironmentChoice) as raised:
        environments_to_run(project, name, every=False)
    assert raised.value.message == message


OPTIONS: dict[str, Any] = {"provider": "openai", "base_url": None, "verbose": False}
CONNECTIONS = [  # environment, options given, chosen (only what differs from OPTIONS)
    (None, set(), {}),
    (DEV, set(), {}),
    (PROD, set(), {"provider": "azure-foundry", "base_url": "https://prod.example/api/projects/p",
                   "api_key_env": "PROD_FOUNDRY_TOKEN"}),
    # --provider given: another provider than the environment's takes none of its settings
    (PROD, {"provider"}, {}),
    # --base-url given: it wins, the rest still comes from the environment
    (PROD, {"base_url"}, {"provider": "azure-foundry", "api_key_env": "PROD_FOUNDRY_TOKEN"}),
    (KEYED, set(), {"api_key_env": "DEV_KEY"}),
    (KEYED, {"provider"}, {"api_key_env": "DEV_KEY"}),
]


@pytest.mark.parametrize(("environment", "given", "changed"), CONNECTIONS)
def test_environment_connection(environment: Environment | None, given: set[str], changed: dict[str, Any]) -> None:
    options = {**OPTIONS, **({"base_url": "http://127.0.0.1:8080/v1"} if "base_url" in given else {})}
    assert environment_connection(environment, options, given) == {**options, **changed}


def test_the_same_provider_given_keeps_the_environments_settings() -> None:
    options = {**OPTIONS, "provider": "azure-foundry"}
    assert environment_connection(PROD, options, {"provider"}) == {
        **options, "base_url": "https://prod.example/api/projects/p", "api_key_env": "PROD_FOUNDRY_TOKEN"}


SAVED = [  # made in, named, refusal
    ("dev", None, None),
    ("dev", "dev", None),
    (None, None, None),
    ("dev", "prod", "the saved plan was made in environment dev, and --env (or ASSISTANTSYNC_ENV) names prod: "
                    "apply it in the environment it was made in, or plan again; nothing was applied"),
    (None, "prod", "the saved plan was made in no environment, and --env (or ASSISTANTSYNC_ENV) names prod: "
                   "apply it in the environment it was made in, or plan again; nothing was applied"),
]


@pytest.mark.parametrize(("made_in", "name", "refusal"), SAVED)
def test_saved_environment(made_in: str | None, name: str | None, refusal: str | None) -> None:
    if refusal is None:
        saved_environment(made_in, name)
        return
    with pytest.raises(EnvironmentChoice) as raised:
        saved_environment(made_in, name)
    assert raised.value.message == refusal


KEYS = [  # provider, api_key_env, environment, header or the variables named missing
    ("openai", "DEV_KEY", {"DEV_KEY": "sk-dev", "OPENAI_API_KEY": "sk-default"}, ("Authorization", "Bearer sk-dev")),
    ("openai", None, {"DEV_KEY": "sk-dev", "OPENAI_API_KEY": "sk-default"}, ("Authorization", "Bearer sk-default")),
    ("openai", "DEV_KEY", {"OPENAI_API_KEY": "sk-default"}, "Missing credentials for --provider openai: set DEV_KEY"),
    ("azure-openai", "PROD_AZURE_KEY",
     {"PROD_AZURE_KEY": "k-prod", "AZURE_OPENAI_ENDPOINT": "https://x.example", "OPENAI_API_VERSION": "v"},
     ("api-key", "k-prod")),
    ("azure-foundry", "PROD_FOUNDRY_TOKEN", {"PROD_FOUNDRY_TOKEN": "t-prod", "AZURE_AI_TOKEN": "t-default",
                                             "AZURE_AI_PROJECT_ENDPOINT": "https://p.example"},
     ("Authorization", "Bearer t-prod")),
]


@pytest.mark.parametrize(("provider", "key_variable", "environ", "expected"), KEYS)
def test_api_key_env_is_read_instead_of_the_providers_variable(provider: str, key_variable: str | None,
                                                               environ: dict[str, str],
                                                               expected: tuple[str, str] | str) -> None:
    if isinstance(expected, str):
        with pytest.raises(MissingCredentials) as raised:
            resolve_connection(provider, environ, key_variable=key_variable, azure_token=lambda scope: None)
        assert raised.value.message == expected
        return
    settings, _ = resolve_connection(provider, environ, key_variable=key_variable, azure_token=lambda scope: None)
    name, value = expected
    assert settings.headers[name] == value
    assert settings.auth_hint == f"check {key_variable or 'OPENAI_API_KEY'}"


def test_api_key_env_unset_names_that_variable_for_azure_foundry() -> None:
    with pytest.raises(MissingCredentials) as raised:
        resolve_connection("azure-foundry", {"AZURE_AI_TOKEN": "t-default", "AZURE_AI_PROJECT_ENDPOINT": "https://p.example"},
                           key_variable="PROD_FOUNDRY_TOKEN", azure_token=lambda scope: None)
    assert raised.value.message == ("Missing credentials for --provider azure-foundry: set PROD_FOUNDRY_TOKEN (or "
                                    "install assistantsync[azure] to sign in with DefaultAzureCredential)")
