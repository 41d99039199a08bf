"""ResourceClient: the five calls on one kind's collection over one httpx.Client, with retries that never
duplicate a create.

The only module that sends requests and the only one that sees httpx exceptions: they become ApiError
here, once. httpx is imported when a client is built, so `assistantsync --help` never loads it.
"""

from __future__ import annotations

import copy
import itertools
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from assistantsync.api import retry
from assistantsync.api.attempt import Transfer
from assistantsync.api.connection import ConnectionSettings, http_client
from assistantsync.api.errors import AmbiguousWriteError, ApiError, NotedApiError, RetryInterrupted
from assistantsync.api.failure import Failure
from assistantsync.api.pages import check_page_count, list_page, record_ids
from assistantsync.api.write_notes import IN_FLIGHT_NOTES, create_not_retried, create_still_running
from assistantsync.json_value import JsonObject
from assistantsync.kinds.kind import ResourceKind

if TYPE_CHECKING:
    import httpx

__all__ = ["AmbiguousWriteError", "ApiError", "ResourceClient", "FindExisting", "RetryInterrupted",
           "create_not_retried"]

PAGE_SIZE = 100  # the API's maximum `limit`
LIST_ORDER = "asc"  # oldest first: stable, creation-ordered output for import and plan


FindExisting = Callable[[], "JsonObject | None"]


class ResourceClient:
    """GET/POST/DELETE on the collection of one kind (`kind.collection_path`), with paging, bounded parallel
    reads and safe retries."""

    def __init__(
        self,
        settings: ConnectionSettings,
        *,
        kind: ResourceKind,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] | None = None,  # default: wait on `stopping`
        random_source: Callable[[], float] = random.random,
        now: Callable[[], float] = time.time,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.settings = settings
        self.kind = kind
        base_path = urlsplit(settings.base_url).path.rstrip("/")
        self._transfer = Transfer(http_client(settings, transport), settings, base_path, log, traced=transport is None)
        # Set once the run is stopping: an exchange in flight gets STOP_GRACE to finish, and none is retried.
        self.stopping = threading.Event()
        self._sleep = sleep
        self._random = random_source
        self._now = now
        self._page_observers: list[Callable[[list[JsonObject]], object]] = []

    def for_kind(self, kind: ResourceKind) -> ResourceClient:
        """A client for another kind on the same API: one connection pool, one `stopping` for the whole run."""
        if kind == self.kind:
            return self
        if kind.name not in self.settings.kinds:
            from assistantsync.api.providers import providers_serving
            from assistantsync.errors import AssistantSyncError

            raise AssistantSyncError(f"--provider {self.settings.provider} serves no {kind.plural}: manage "
                                     f"{kind.plural} with --provider {' or '.join(providers_serving(kind.name))}")
        sibling = copy.copy(self)  # shares the transfer (its connection pool) and `stopping`
        sibling.kind, sibling._page_observers = kind, []
        return sibling

    def close(self) -> None:
        self.stopping.set()  # an exchange abandoned in flight must not start a retry on a closed client
        self._transfer.close()

    def __enter__(self) -> ResourceClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def observing_pages(self, observer: Callable[[list[JsonObject]], object]) -> Iterator[None]:
        """While open, list_all hands each page of resources to `observer` once it is decoded and checked,
        before the next page is asked for."""
        self._page_observers.append(observer)
        try:
            yield
        finally:
            self._page_observers.remove(observer)

    def list_all(self) -> list[JsonObject]:
        """Every resource of the kind, oldest first, following `after` cursors until `has_more` is false."""
        path = self._transfer.full_path(self.kind.collection_path)
        items: list[JsonObject] = []
        params = {"limit": str(PAGE_SIZE), "order": LIST_ORDER}
        seen_cursors: set[str] = set()
        first_pages: dict[str, int] = {}
        for number in itertools.count(1):
            page = list_page(self._call("GET", self.kind.collection_path, params=params), path)
            if page.cursor in seen_cursors:  # a server that ignores `after` would otherwise page forever
                raise ApiError("GET", path, f"the server repeated page cursor {page.cursor!r}; stopped paging")
            record_ids(page, number, first_pages, path)  # before observers see the page, so nothing is planned
            check_page_count(number, len(first_pages), page.cursor is not None, path)  # nor one that never ends
            viewed = [self.kind.from_wire(item) for item in page.items]
            items.extend(viewed)
            for observer in self._page_observers:
                observer(viewed)
            if page.cursor is None:
                break
            seen_cursors.add(page.cursor)
            params = {**params, "after": page.cursor}
        return items

    def get(self, resource_id: str) -> JsonObject:
        return self.kind.from_wire(self._call("GET", self._item_path(resource_id)))

    def get_many(self, resource_ids: Iterable[str]) -> dict[str, JsonObject | ApiError]:
        """Each resource or the error fetching it, in input order; at most `parallelism` in flight."""
        ids = list(dict.fromkeys(resource_ids))
        if not ids:
            return {}
        with ThreadPoolExecutor(max_workers=min(self.settings.parallelism, len(ids))) as pool:
            try:
                return dict(zip(ids, pool.map(self._get_or_error, ids), strict=True))
            except BaseException:  # KeyboardInterrupt: the pool's exit waits for its threads, so free them first
                self.stopping.set()
                raise

    # The writes take `stop` (as every call obeys `stopping`): once it is set, a failed attempt is not retried
    # (RetryInterrupted), a wait before a retry ends at once, and an attempt still in flight after STOP_GRACE is
    # abandoned, its outcome unknown. A create that failed ambiguously within the grace is still looked up (a
    # read), so the summary can say whether it was stored.

    def create(self, body: JsonObject, *, find_existing: FindExisting | None = None,
               stop: threading.Event | None = None) -> JsonObject:
        """POST to the collection. After an ambiguous failure, `find_existing` tells whether the create happened."""
        return self.kind.from_wire(self._call("POST", self.kind.collection_path, body=self.kind.to_wire("create", body),
                                              is_create=True, find_existing=find_existing, stop=stop))

    def modify(self, resource_id: str, body: JsonObject, *, changed: tuple[str, ...] = (),
               find_existing: FindExisting | None = None, stop: threading.Event | None = None) -> JsonObject:
        """POST the body to the resource, or where its kind sends an update of the `changed` fields. The resource's
        own path takes the same body twice safely; another one (a new version each time) is treated as a create:
        after an ambiguous failure `find_existing` tells whether it landed, and it is never blindly sent again."""
        item = self._item_path(resource_id)
        path = self.kind.update_path(item, changed)
        makes_new = path != item
        return self.kind.from_wire(self._call("POST", path, body=self.kind.to_wire("update", body), is_create=makes_new,
                                              find_existing=find_existing if makes_new else None, stop=stop,
                                              version=makes_new))

    def delete(self, resource_id: str, *, stop: threading.Event | None = None) -> JsonObject:
        gone = {"id": resource_id, "object": f"{self.kind.name}.deleted", "deleted": True}
        return self._call("DELETE", self._item_path(resource_id), gone=gone, stop=stop)

    def _item_path(self, resource_id: str) -> str:
        return f"{self.kind.collection_path}/{quote(resource_id, safe='')}"  # an odd id must not escape its segment

    def _get_or_error(self, resource_id: str) -> JsonObject | ApiError:
        try:
            return self.get(resource_id)
        except ApiError as error:
            return error

    def _call(
        self,
        method: str,
        path: str,
        *,
        body: JsonObject | None = None,
        params: Mapping[str, str] | None = None,
        is_create: bool = False,
        find_existing: FindExisting | None = None,
        gone: JsonObject | None = None,
        stop: threading.Event | None = None,
        version: bool = False,  # is_create for a new version of an existing resource: said so in messages
    ) -> JsonObject:
        """Send with retries. `gone`: what a DELETE returns when a retry finds the resource already deleted."""
        maybe_written = False
        attempt = 0
        kind_query = {k: v for k, v in self.kind.query.items() if k not in self.settings.params}
        params = {**kind_query, **(params or {})} if kind_query else params
        given = {name.lower() for name in self.settings.headers}
        headers = {k: v for k, v in self.kind.headers.items() if k.lower() not in given}
        stops = (self.stopping,) if stop is None else (self.stopping, stop)
        while True:
            outcome = self._transfer.attempt(method, path, body, params, attempt, stops, self.kind.from_wire, headers)
            if not isinstance(outcome, Failure):
                return outcome
            error = outcome.error
            if outcome.interrupted:  # its outcome is unknown: neither retried nor looked up, which could hang too
                raise (NotedApiError(error, IN_FLIGHT_NOTES[is_create]) if outcome.may_have_written else error)
            if gone is not None and maybe_written and error.status == 404:
                return gone  # our earlier, ambiguous attempt did delete it
            if is_create and outcome.may_have_written:
                found = self._recover_create(outcome, find_existing, version)
                if found is not None:
                    return found
                if outcome.may_still_be_running:  # not stored *yet* is not proof it never will be
                    raise AmbiguousWriteError(error, create_still_running(self.kind, version)) from outcome.cause
            # A create that got this far was looked up and is not there: it was not applied.
            maybe_written = maybe_written or (outcome.may_have_written and not is_create)
            if not outcome.retryable or attempt >= self.settings.max_retries:
                raise error from outcome.cause
            if any(event.is_set() for event in stops):
                raise RetryInterrupted(error, maybe_written) from outcome.cause
            delay = retry.retry_delay(attempt, outcome.headers, jitter=self._random(), now=self._now())
            self._transfer.log_line(f"   retrying {method} {error.path} in {delay:.2f}s after: {error.detail}")
            if self._pause(delay, stop):
                raise RetryInterrupted(error, maybe_written) from outcome.cause
            attempt += 1

    def _pause(self, seconds: float, stop: threading.Event | None) -> bool:
        """Wait before a retry; True when `stop` (else `stopping`) was set meanwhile (a server may ask for up to
        a minute). A test's `sleep` replaces the wait of a call without `stop`."""
        if stop is None and self._sleep is not None:
            self._sleep(seconds)
            return False
        return (stop or self.stopping).wait(seconds)

    def _recover_create(self, failed: Failure, find_existing: FindExisting | None,
                        version: bool = False) -> JsonObject | None:
        """The resource the failed create stored, None if it stored none; raise if we cannot tell."""
        not_retried = create_not_retried(self.kind, version)
        if find_existing is None:
            raise AmbiguousWriteError(failed.error, not_retried) from failed.cause
        try:
            return find_existing()
        except ApiError as check_error:
            note = f"checking whether it was created failed too ({check_error}); {not_retried}"
            raise AmbiguousWriteError(failed.error, note) from check_error

