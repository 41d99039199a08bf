"""A local, faithful stand-in for the Assistants API (v2), used by the tests and by `--sandbox` runs.

The live API is gone (OpenAI retired /v1/assistants on 2026-08-26), so this package plays it:

- `core.handle(store, request)`: the pure handler (routing, auth, the OpenAI-Beta header, the five endpoints),
  and Foundry's agents API beside it on the same store (`agents`, `agent_records`, `agent_paging`);
- `assistants`: what the server stores and fills in; `validation`: request bodies against the generated schemas;
- `store`: the JSON state file (locked, atomic); `embedded.SandboxTransport`: the core as an httpx transport;
- `location`: the default state file and the in-process base URL, for the client to name without the rest;
- `server` / `app` / `control` / `faults`: the same core over real HTTP, with deterministic fault injection.

Its `sandbox serve` command lives with the other commands, in `assistantsync/cli/sandbox.py`. Nothing is
imported here, so naming `location` stays light.
"""
