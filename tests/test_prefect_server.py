"""newsmon/prefect_server.py: the parts that need no server running."""

import asyncio

from newsmon.prefect_server import RetrySoon


def answered(status: int, headers: list[tuple[bytes, bytes]]) -> dict:
    """What RetrySoon sends on for an app that answers `status` with `headers`."""
    async def app(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"{}"})

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "http.request", "body": b""}

    asyncio.run(RetrySoon(app, seconds=0.3)({"type": "http"}, receive, send))
    return dict(sent[0]["headers"])


def test_a_busy_answer_tells_clients_to_retry_soon() -> None:
    assert answered(503, [(b"content-type", b"application/json")])[b"retry-after"] == b"0.3"


def test_other_answers_and_the_servers_own_hint_are_left_alone() -> None:
    assert b"retry-after" not in answered(200, [])
    assert b"retry-after" not in answered(500, [])
    assert answered(503, [(b"Retry-After", b"5")]) == {b"Retry-After": b"5"}
