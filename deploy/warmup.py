"""Warming a replica: a minimal Streamlit client speaking the browser's websocket
protocol (loopback only), and :func:`warm`, which opens the page and visits every key date.

What the browser does, and this client repeats: open ``/_stcore/stream`` with the
subprotocol ``streamlit``; send a ``BackMsg`` ``rerun_script`` (the first one with no
widget states); read ``ForwardMsg`` protobufs (``new_session`` names the page, ``delta``
messages carry the elements, each widget with the id Streamlit gave it) until
``script_finished``. A widget change is another ``rerun_script`` carrying the widget's
new value under its id, and, for a widget drawn in an ``st.fragment`` (the date slider is,
app.py ``map_page``), the fragment's id from the widget's ``delta``: the server then
reruns only that fragment (status ``FINISHED_FRAGMENT_RUN_SUCCESSFULLY``). The date slider
sends dates as microseconds since the epoch (UTC midnight) in a one-value
``double_array_value``.

Used by ``make serve`` to fill each replica's caches before serving (deploy/serve.py),
by the load benchmark (bench/load.py) and the deploy test (tests/deploy/).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

#: Key of the app's date slider (app.py).
DATE_SLIDER_KEY = "day_slider"
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
#: ``script_finished`` statuses of a successful run of the page and of a fragment.
SUCCESS = ("FINISHED_SUCCESSFULLY", "FINISHED_FRAGMENT_RUN_SUCCESSFULLY")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class ProtocolError(RuntimeError):
    """The server's answer was not what the browser expects (exception, no slider...)."""


def date_micros(day: dt.date) -> float:
    """The slider's wire value for ``day``: microseconds since the epoch, UTC midnight."""
    midnight = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return (midnight - _EPOCH) // dt.timedelta(microseconds=1)


@dataclass
class Run:
    """One script run as the client saw it."""

    seconds: float
    status: str
    received_bytes: int
    exceptions: list[str] = field(default_factory=list)
    slider_value: list[float] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        """The run (of the page or of a fragment) finished without an exception."""
        return not self.exceptions and self.status in SUCCESS


class Session:
    """One browser tab's Streamlit session over a websocket (``async with Session(url)``)."""

    def __init__(self, base_url: str, *, cookie: str | None = None, timeout: float = 120) -> None:
        parts = urlsplit(base_url)
        if parts.hostname not in LOOPBACK_HOSTS:
            raise ValueError(f"only loopback servers may be driven: {base_url}")
        self.stream_url = f"ws://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream"
        self.cookie = cookie
        self.timeout = timeout
        self.page_hash = ""
        self.slider_id: str | None = None
        #: The fragment the date slider is drawn in ("" if none).
        self.slider_fragment = ""
        self.response_headers: dict[str, str] = {}
        self._ws: ClientConnection | None = None

    async def __aenter__(self) -> Session:
        headers = {"Cookie": self.cookie} if self.cookie else None
        self._ws = await connect(
            self.stream_url,
            subprotocols=[Subprotocol("streamlit")],
            additional_headers=headers,
            max_size=None,
            proxy=None,
            ping_interval=None,
            open_timeout=self.timeout,
        )
        response = self._ws.response
        if response is not None:
            self.response_headers = {k.lower(): v for k, v in response.headers.raw_items()}
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._ws is not None:
            await self._ws.close()

    async def load(self) -> Run:
        """The first run of the page (what a browser does on opening the app)."""
        return await self._run(BackMsg())

    async def set_date(self, day: dt.date) -> Run:
        """Move the date slider to ``day`` and wait for the rerun to finish (of the
        slider's fragment, as the browser asks, or of the page)."""
        if self.slider_id is None:
            raise ProtocolError("the page has no date slider (load it first)")
        message = BackMsg()
        message.rerun_script.fragment_id = self.slider_fragment
        widget = message.rerun_script.widget_states.widgets.add()
        widget.id = self.slider_id
        widget.double_array_value.data.append(date_micros(day))
        return await self._run(message)

    async def _run(self, message: BackMsg) -> Run:
        if self._ws is None:
            raise ProtocolError("not connected")
        message.rerun_script.page_script_hash = self.page_hash
        start = time.perf_counter()
        await self._ws.send(message.SerializeToString())
        received, exceptions, value = 0, [], []
        while True:
            raw = await _recv(self._ws, self.timeout)
            received += len(raw)
            forward = ForwardMsg()
            forward.ParseFromString(raw)
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = forward.new_session.page_script_hash
            elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                element = forward.delta.new_element
                shown = element.WhichOneof("type")
                if shown == "exception":
                    exceptions.append(element.exception.message)
                elif shown == "slider" and element.slider.id.endswith(f"-{DATE_SLIDER_KEY}"):
                    self.slider_id = element.slider.id
                    self.slider_fragment = forward.delta.fragment_id
                    value = list(element.slider.value)
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(forward.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue  # superseded by a rerun the server started itself
                seconds = time.perf_counter() - start
                return Run(seconds, status, received, exceptions, value)


async def _recv(ws: ClientConnection, timeout: float) -> bytes:
    raw = await asyncio.wait_for(ws.recv(), timeout)
    if isinstance(raw, str):
        raise ProtocolError("Streamlit sends binary protobufs, got a text frame")
    return raw


def warm(url: str) -> float:
    """Open the page once on the replica at ``url`` and move its date to every key date,
    so that its caches (data, fixed layers, each situation's prepared layers) are filled
    before the first user arrives; the seconds it took. The data (to know its key dates)
    is loaded on demand."""
    from geo import settings
    from geo.dataset import load_dataset
    from geo.situation import key_dates

    folder = Path(os.environ.get("BRIEFING_DATA_DIR") or settings.DATA_DIR)
    days = key_dates(load_dataset(folder))

    async def visit() -> None:
        async with Session(url) as session:
            await session.load()
            for day in days:
                await session.set_date(day)

    start = time.perf_counter()
    asyncio.run(visit())
    return time.perf_counter() - start
