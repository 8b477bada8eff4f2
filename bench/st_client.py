"""A minimal Streamlit client on the browser's own websocket protocol, for benchmarks (no browser needed).

The browser talks to `/_stcore/stream` in protobuf: it sends a BackMsg `rerun_script` carrying the query string
and the widgets' states, and receives ForwardMsgs (`new_session`, one `delta` per element, `script_finished`).
This client does the same: it opens a link, then moves one widget the way the browser does (a WidgetState with
the widget's id, found in the element the server sent), and times each rerun until the chart arrives.
Like the browser it reports the large messages it holds (`cached_message_hashes`), so the server sends an
unchanged chart as a reference, not in full. What it does not do: draw anything (browser redraw is
bench_app.py's part).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.session_state import STREAMLIT_INTERNAL_KEY_PREFIX


@dataclass
class Rerun:
    """One rerun as the client saw it: seconds to the first chart element and to script_finished, bytes in."""

    to_chart: float | None = None
    to_finished: float | None = None
    bytes_in: int = 0
    messages: int = 0
    chart_bytes: int = 0
    error: str | None = None


@dataclass
class StreamlitSession:
    """One browser tab's worth of protocol, against `base` (e.g. "ws://127.0.0.1:8501")."""

    base: str
    query: str = ""
    timeout: float = 60.0
    widgets: dict[str, object] = field(default_factory=dict)  # widget id → its element proto
    page_script_hash: str = ""
    cache: dict[str, tuple[str, int]] = field(default_factory=dict)  # message hash → (element type, rerun)
    reruns: int = 0
    _socket: object = None

    async def open(self) -> Rerun:
        self._socket = await websockets.connect(f"{self.base}/_stcore/stream", subprotocols=["streamlit"],
                                                max_size=256 * 2**20, compression=None, open_timeout=self.timeout)
        return await self.rerun([])

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    def widget_id(self, key: str) -> str:
        """The server's id of the widget created with `key=key`."""
        for widget_id in self.widgets:
            if widget_id.endswith(f"-{key}"):
                return widget_id
        raise KeyError(f"no widget with key {key!r} (have {len(self.widgets)})")

    def select_slider_options(self, key: str) -> list[str]:
        return list(self.widgets[self.widget_id(key)].options)

    async def set_select_slider(self, key: str, option: str) -> Rerun:
        state = WidgetState(id=self.widget_id(key))
        state.string_array_value.data[:] = [option]
        return await self.rerun([state])

    async def set_bool(self, key: str, value: bool) -> Rerun:
        """Set a boolean widget, e.g. open an expander that tracks its state (key=...): a click on its title."""
        state = WidgetState(id=self.widget_id(key))
        state.bool_value = value
        return await self.rerun([state])

    async def click(self, key: str) -> Rerun:
        """Click a button (a trigger: true for this rerun only, as the browser sends it)."""
        state = WidgetState(id=self.widget_id(key))
        state.trigger_value = True
        return await self.rerun([state])

    def component_bytes(self, key: str) -> bytes:
        """The `data` bytes the server last sent to the custom component mounted with `key=key`."""
        return bytes(self.widgets[self.widget_id(key)].bytes)

    async def trigger(self, key: str, event: str, value: object) -> Rerun:
        """A custom component's setTriggerValue(event, value), as the browser sends it: a JSON list of payloads in
        the component's trigger aggregator (Streamlit's id for it: the component's id and "__events")."""
        state = WidgetState(id=f"{STREAMLIT_INTERNAL_KEY_PREFIX}_{self.widget_id(key)}__events")
        state.json_trigger_value = json.dumps([{"event": event, "value": value}])
        return await self.rerun([state])

    def has_widget(self, key: str) -> bool:
        return any(widget_id.endswith(f"-{key}") for widget_id in self.widgets)

    async def rerun(self, states: list[WidgetState]) -> Rerun:
        message = BackMsg()
        client = message.rerun_script
        client.query_string = self.query
        client.page_script_hash = self.page_script_hash
        client.context_info.url = "http://bench.local/"
        client.widget_states.widgets.extend(states)
        # like the browser's message cache: what the last two reruns used (global.maxCachedMessageAge = 2)
        self.reruns += 1
        self.cache = {key: value for key, value in self.cache.items() if value[1] >= self.reruns - 2}
        client.cached_message_hashes.extend(self.cache)
        result = Rerun()
        started = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        deadline = started + self.timeout
        try:
            while True:
                data = await asyncio.wait_for(self._socket.recv(), max(deadline - time.perf_counter(), 0.001))
                result.bytes_in += len(data)
                result.messages += 1
                forward = ForwardMsg()
                forward.ParseFromString(data)
                kind = forward.WhichOneof("type")
                if kind == "ref_hash":  # an element the client already holds: the server sent its hash only
                    which, _ = self.cache.get(forward.ref_hash, ("", 0))
                    self.cache[forward.ref_hash] = (which, self.reruns)
                    if which == "plotly_chart" and result.to_chart is None:
                        result.to_chart = time.perf_counter() - started
                    continue
                if kind == "delta" and forward.delta.WhichOneof("type") == "add_block":
                    block = forward.delta.add_block
                    if block.WhichOneof("type") == "expandable" and block.expandable.id:  # a lazy expander
                        self.widgets[block.expandable.id] = block.expandable
                if kind == "new_session":
                    self.page_script_hash = forward.new_session.page_script_hash
                elif kind == "delta" and forward.delta.WhichOneof("type") == "new_element":
                    element = forward.delta.new_element
                    which = element.WhichOneof("type")
                    proto = getattr(element, which)
                    if forward.metadata.cacheable and forward.hash:
                        self.cache[forward.hash] = (which, self.reruns)
                    widget_id = getattr(proto, "id", "")
                    if isinstance(widget_id, str) and widget_id.startswith("$$ID"):
                        self.widgets[widget_id] = proto
                    if which == "plotly_chart" and result.to_chart is None:
                        result.to_chart = time.perf_counter() - started
                        result.chart_bytes = len(data)
                    if which == "exception":
                        result.error = "exception element"
                elif kind == "script_finished":
                    result.to_finished = time.perf_counter() - started
                    return result
        except (TimeoutError, websockets.ConnectionClosed) as error:
            result.error = type(error).__name__
            return result
