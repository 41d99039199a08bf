"""One attempt's body read: capped after decompression, so a small gzip body cannot expand into gigabytes.

The cap is lowered to 1 MiB (the setting --max-response-mib fills) so the bodies stay small; the stream counts
what it was asked for, to show the read stopped at the cap instead of decompressing the rest.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator

import httpx
import pytest
from helpers.fake_api import Scripted, rig

from assistantsync.api.client import ApiError

CAP = 1024 * 1024
CHUNK = 64 * 1024  # decompressed bytes per gzip chunk on the wire


class GzipStream(httpx.SyncByteStream):
    """`body` gzipped and sent in chunks that each expand to CHUNK bytes; counts the chunks it was asked for."""

    def __init__(self, body: bytes) -> None:
        self._body = body
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        packer = zlib.compressobj(wbits=31)  # 31: a gzip header and trailer
        for start in range(0, len(self._body), CHUNK):
            self.sent += 1
            yield packer.compress(self._body[start:start + CHUNK]) + packer.flush(zlib.Z_SYNC_FLUSH)
        yield packer.flush()


def gzip_reply(stream: GzipStream, status: int = 200) -> httpx.Response:
    return httpx.Response(status, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
                          stream=stream)


def padded_object(size: int) -> bytes:
    """A JSON object of exactly `size` bytes."""
    shell = b'{"id": "asst_1", "pad": ""}'
    return shell[:-2] + b"x" * (size - len(shell)) + shell[-2:]


@pytest.mark.parametrize(("status", "reason"), [(200, "OK"), (500, "Internal Server Error")])
def test_a_gzip_body_expanding_past_the_cap_stops_with_an_error_before_the_rest_is_read(
    status: int, reason: str
) -> None:
    stream = GzipStream(b"0" * (16 * CAP))  # 16 KiB or so on the wire, 16 MiB expanded
    server = Scripted([gzip_reply(stream, status)])
    with pytest.raises(ApiError) as caught:
        rig(server, max_retries=2, max_body_bytes=CAP).client.get("asst_1")
    assert str(caught.value) == (
        f"GET /v1/assistants/asst_1: {status} {reason}: the server's answer exceeded 1 MiB after decompression; "
        "check that --base-url points at an Assistants API server; its answers are far smaller (--max-response-mib "
        "raises the cap)")
    assert caught.value.status == status
    assert len(server.requests) == 1  # another attempt would get the same answer
    assert stream.sent == CAP // CHUNK + 1  # the chunk that crossed the cap, and nothing after it


@pytest.mark.parametrize("size", [CAP - 1, CAP])
def test_a_gzip_body_up_to_the_cap_is_read_whole(size: int) -> None:
    body = padded_object(size)
    answer = rig(Scripted([gzip_reply(GzipStream(body))]), max_body_bytes=CAP).client.get("asst_1")
    assert answer == json.loads(body)
