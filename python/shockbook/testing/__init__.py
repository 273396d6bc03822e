"""Test helpers that ship with the package (``python -m shockbook bench`` uses them too).

Only the network edge is faked: :class:`~shockbook.testing.fake_yahoo.FakeYahoo` is a local
HTTPS server that the real yfinance client talks to through a routed curl_cffi session.
"""

from .fake_yahoo import ConnectProxy, FakeYahoo, SilentPort, closed_port, routed_session

__all__ = ["ConnectProxy", "FakeYahoo", "SilentPort", "closed_port", "routed_session"]
