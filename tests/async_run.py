"""Running a coroutine to completion from a test, whatever the main thread is doing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """``asyncio.run(make())`` in a thread of its own. Once a browser test has run in a
    process, Playwright's event loop runs in its main thread for the rest of the session,
    and ``asyncio.run`` there refuses to start; with the tests spread over processes any
    test may come after one. The coroutine is made inside the thread, so a refused run
    leaves none un-awaited."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()
