"""The fault matrix's faults and operations, per resource kind, for test_agents_faults.py.

A `Fault` is a sandbox fault plan aimed at an operation's target request (and, within the retry budget, at the
first list too), as in test_fault_matrix.py. A `KindCase` is one kind's side of the matrix: its files, the
operations on them, and how to read back what is live (agents by name, with their versions; assistants by key).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistantsync.plan.reserved import IDENTITY_KEY
from helpers.agent_harness import AgentHarness, agent_file
from helpers.cli_harness import Harness, Result

TIMEOUT = "0.2"  # seconds: far above a loaded machine's answer time, far below SLOW_MS
SLOW_MS = 400
APPLY = ("apply", "--auto-approve")


@dataclass(frozen=True)
class Fault:
    kind: str  # a sandbox fault kind; "slow" is the sandbox's latency, "slow_target" its slow rule on the target
    strength: str  # "within" or "beyond" the retry budget
    retries: int
    reason: str  # what the summary says about a request that failed this way

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.strength}"

    def rules(self, target: tuple[str, str], list_route: str) -> list[dict[str, Any]]:
        """The sandbox fault rules aimed at `target` (and, within the budget, at the first list too)."""
        method, route = target
        if self.kind == "slow":
            return []  # latency_ms: every request
        if self.kind == "slow_target":  # within: only the first target request is held
            return [{"kind": "slow", "delay_ms": SLOW_MS, "method": method, "route": route,
                     **({"times": 1} if self.strength == "within" else {})}]
        rule: dict[str, Any] = {"kind": self.kind, "method": method, "route": route}
        if self.kind == "rate_limit":
            rule["retry_after_ms"] = 20 if self.strength == "beyond" else 10  # 0.02s and 0.01s in the -v log
        if self.kind in ("server_error", "error_after_write"):
            rule["status"] = 500 if self.strength == "beyond" else 503
        if self.strength == "beyond":
            return [rule]  # a storm: every target request, every attempt
        # Within: the first list, then the first two target requests (a 5xx every second one). No request
        # meets more than three faults in a row, so three retries always get through.
        rule.update({"every": 2} if self.kind == "server_error" else {"times": 2})
        if self.kind.endswith("_after_write"):
            return [rule]  # those only fault writes
        return [{**rule, "method": "GET", "route": list_route, "every": 1, "times": 1}, rule]


DROPPED = "Server disconnected without sending a response"
FAULTS = {fault.name: fault for fault in (
    Fault("rate_limit", "within", 3, "429 Too Many Requests"),
    Fault("rate_limit", "beyond", 1, "429 Too Many Requests"),
    Fault("server_error", "within", 3, "503 Service Unavailable"),
    Fault("server_error", "beyond", 1, "500 Internal Server Error"),
    Fault("slow", "beyond", 1, f"within {TIMEOUT}s (ReadTimeout"),
    Fault("slow_target", "within", 3, f"within {TIMEOUT}s (ReadTimeout"),
    Fault("slow_target", "beyond", 1, f"within {TIMEOUT}s (ReadTimeout"),
    Fault("drop_before", "within", 3, DROPPED),
    Fault("drop_before", "beyond", 1, DROPPED),
    Fault("drop_after_write", "within", 3, DROPPED),
    Fault("drop_after_write", "beyond", 1, DROPPED),
    Fault("error_after_write", "within", 3, "503 Service Unavailable"),
    Fault("error_after_write", "beyond", 1, "500 Internal Server Error"),
)}


@dataclass(frozen=True)
class Operation:
    name: str
    target: tuple[str, str]  # (method, route) of the requests the operation is about
    command: tuple[str, ...]
    ok: int  # exit code when it succeeds
    word: str  # how the apply summary names the action
    files: str  # the files it starts from: "base", "changed", "described", "deleted", or "none" (as applied)
    present: tuple[str, ...] = ("steady", "alpha", "beta")  # keys that exist once it converged


def sent_requests(result: Result) -> int:
    """How many requests a `-v` run sent (each is logged `-> METHOD PATH` before it goes out)."""
    return sum(line.startswith("-> ") for line in result.err.splitlines())


@dataclass(frozen=True)
class KindCase:
    """One kind's files and operations; the assistant's side, which an agent case extends."""

    name: str
    label: str  # before a key in the apply summary: "agent " or ""
    list_route: str
    collection: str  # the route of a create
    plan_summary: str  # how `plan` ends when both targets change
    base: dict[str, str]
    changes: dict[str, dict[str, str]]  # an operation's `files` -> the files that replace the base ones
    operations: dict[str, Operation] = field(default_factory=dict)
    targets: tuple[str, str] = ("alpha", "beta")

    def set_up(self, env: Harness, operation: Operation) -> dict[str, str]:
        """Apply the starting files without faults, then change them as the operation needs. Returns key -> id."""
        files = {"steady.yaml": self.base["steady.yaml"]} if operation.name == "create" else self.base
        for name, text in files.items():
            env.write(name, text)
        assert env.apply("--auto-approve").code == 0
        for name, text in (self.base if operation.files == "base" else self.changes.get(operation.files, {})).items():
            env.write(name, text)
        if operation.files == "deleted":
            for key in self.targets:
                (env.root / "assistants" / f"{key}.yaml").unlink()
        return self.live_ids(env)

    def live_ids(self, env: Harness) -> dict[str, str]:
        return {key: item["id"] for key, item in env.by_key().items()}

    def path_of(self, operation: Operation, ids: dict[str, str], key: str) -> str:
        """The path a failed request of `key` is named by in the summary."""
        ident = ids.get(key, "")  # a create's target has none: it is the collection
        return "/v1" + operation.target[1].replace("{agent_name}", ident).replace("{assistant_id}", ident)

    def versions(self, env: Harness) -> dict[str, list[str]]:
        return {}

    def check_no_twins(self, env: Harness, before: dict[str, list[str]]) -> None:
        """No resource exists twice (nor, for a versioned kind, did one get two versions where one was due)."""
        live = env.sandbox.identity_keys()
        assert len(live) == len(set(live)), f"duplicates: {live}"

    def check_present(self, env: Harness, operation: Operation) -> None:
        assert env.sandbox.identity_keys() == sorted(operation.present)

    def check_versions(self, env: Harness, operation: Operation, before: dict[str, list[str]]) -> None:
        """Only versioned kinds have versions to count."""

    def created_key(self, body: dict[str, Any]) -> str:
        return str(body["metadata"][IDENTITY_KEY])

    def check_requests(self, env: Harness, mark: int, operation: Operation, ids: dict[str, str]) -> None:
        """Only target resources were written or read; every other read was a list."""
        target_ids = {ids[key] for key in self.targets if key in ids}
        for request in env.sandbox.requests()[mark:]:
            method, route, segments = request["method"], request["route"], request["path"].split("/")
            if route in ("/assistants", "/agents"):  # a list (any kind's, with --prune), or a create
                assert method == "GET" or (operation.name == "create" and route == self.collection), request
                assert method == "GET" or self.created_key(request["body"]) in self.targets, request
            else:  # /v1/<collection>/<id>[/versions]
                assert segments[3] in target_ids and segments[3] != ids["steady"], request


def assistant_case() -> KindCase:
    base = {"steady.yaml": "model: gpt-4o\nname: Steady\n", "alpha.yaml": "model: gpt-4o\nname: Alpha\n"
            "temperature: 0.2\n", "beta.yaml": "model: gpt-4o-mini\nname: Beta\ninstructions: Be brief.\n"}
    changed = {"alpha.yaml": base["alpha.yaml"].replace("0.2", "0.7"),
               "beta.yaml": base["beta.yaml"].replace("Be brief.", "Be brief and kind.")}
    item = "/assistants/{assistant_id}"
    return KindCase("assistant", "", "/assistants", "/assistants", "Plan: 0 to create, 2 to update, 0 to delete.\n",
                    base, {"changed": changed}, {
                        "create": Operation("create", ("POST", "/assistants"), APPLY, 0, "create", "base"),
                        "update": Operation("update", ("POST", item), APPLY, 0, "update", "changed"),
                        "delete": Operation("delete", ("DELETE", item), (*APPLY, "--prune"), 0, "delete", "deleted",
                                            ("steady",)),
                    })


@dataclass(frozen=True)
class AgentCase(KindCase):
    def live_ids(self, env: Harness) -> dict[str, str]:
        assert isinstance(env, AgentHarness)
        return {name: name for name in env.agents()}  # an agent's id is its name

    def versions(self, env: Harness) -> dict[str, list[str]]:
        assert isinstance(env, AgentHarness)
        return env.versions()

    def check_no_twins(self, env: Harness, before: dict[str, list[str]]) -> None:
        """An agent is one per name by construction; what can be made twice is a version."""
        after = self.versions(env)
        for key in self.targets:
            assert len(after.get(key, [])) <= len(before.get(key, [])) + 1, f"{key}: versions {after.get(key)}"

    def check_present(self, env: Harness, operation: Operation) -> None:
        assert sorted(self.versions(env)) == sorted(operation.present)

    def check_versions(self, env: Harness, operation: Operation, before: dict[str, list[str]]) -> None:
        """Each target got exactly one version (plan's through the apply after it), or is gone (delete); import
        makes none."""
        expected = dict(before)
        for key in self.targets if operation.name != "import" else ():
            if operation.name == "delete":
                del expected[key]
            else:
                numbers = before.get(key, [])
                expected[key] = [*numbers, str(int(numbers[-1]) + 1 if numbers else 1)]
        assert self.versions(env) == expected

    def created_key(self, body: dict[str, Any]) -> str:
        return str(body["name"])


def agent_case() -> KindCase:
    base = {"steady.yaml": agent_file("steady", model="gpt-4.1"),
            "alpha.yaml": agent_file("alpha", description="Alpha", model="gpt-4.1", temperature=0.2),
            "beta.yaml": agent_file("beta", description="Beta", model="gpt-4.1-mini", instructions="Be brief.")}
    changed = {"alpha.yaml": base["alpha.yaml"].replace("0.2", "0.7"),
               "beta.yaml": base["beta.yaml"].replace("Be brief.", "Be brief and kind.")}
    described = {name: base[name].replace("description: ", "description: Still ") for name in changed}
    item = "/agents/{agent_name}"
    return AgentCase("agent", "agent ", "/agents", "/agents", "Plan: 0 to create, 2 new versions, 0 to delete.\n",
                     base, {"changed": changed, "described": described}, {
                         "plan": Operation("plan", ("GET", "/agents"), ("plan", "--detailed-exitcode"), 2, "",
                                           "changed"),
                         "create": Operation("create", ("POST", "/agents"), APPLY, 0, "create", "base"),
                         "version": Operation("version", ("POST", item), APPLY, 0, "new version", "changed"),
                         "describe": Operation("describe", ("POST", item + "/versions"), APPLY, 0, "new version",
                                               "described"),
                         "delete": Operation("delete", ("DELETE", item), (*APPLY, "--prune"), 0, "delete", "deleted",
                                             ("steady",)),
                         "import": Operation("import", ("GET", "/agents"), (
                             "import", "--kind", "agent", "--all", "--out", "imported"), 0, "", "none"),
                     })
