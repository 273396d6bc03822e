"""Fixtures for the Yahoo seam: one fake Yahoo per module, a fresh YahooSource per test.

Every test talks to the real yfinance client through a curl_cffi session routed to
:class:`~shockbook.testing.FakeYahoo` on 127.0.0.1; nothing reaches the internet. Fixture
names carry ``yahoo`` so that they never shadow another module's ``fake``/``source``.
"""

from __future__ import annotations

import pytest

#: A small backoff keeps the fault tests quick; the timeout is the fake's hang (0.4 s) plus room
#: for a loaded machine (a 0.25 s timeout made a slow TLS handshake look like a timeout).
FAST_YAHOO = dict(timeout=1.0, retries=2, backoff=0.01, probe_timeout=1.0)


@pytest.fixture(scope="module")
def fake_yahoo_server(prices_path):
    from shockbook.testing import FakeYahoo

    with FakeYahoo(prices_path, hang_seconds=0.4) as fake:
        yield fake


@pytest.fixture
def fake_yahoo(fake_yahoo_server):
    """The module's fake Yahoo with an empty request log and no faults."""
    fake_yahoo_server.reset()
    yield fake_yahoo_server
    fake_yahoo_server.reset()


@pytest.fixture
def make_yahoo_source(fake_yahoo, tmp_path):
    """``make_yahoo_source(**overrides)``: a YahooSource on the fake with its own yfinance cache."""
    from shockbook.data.yahoo import YahooSource

    def make(**overrides):
        kwargs = {**FAST_YAHOO, "yf_cache_dir": tmp_path / "yf", **overrides}
        session = kwargs.pop("session", None) or fake_yahoo.session()
        return YahooSource(session, **kwargs)

    return make


@pytest.fixture
def yahoo_source(make_yahoo_source):
    return make_yahoo_source()
