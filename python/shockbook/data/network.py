"""Proxies, certificates and "why could we not connect": one place for every outbound call.

shockbook talks to the internet through two HTTP clients: ``curl_cffi`` (Yahoo, through
yfinance) and ``requests`` (the Wikipedia member list). Behind an office network both must

* go through the proxy in ``HTTPS_PROXY``/``HTTP_PROXY``/``ALL_PROXY``, except for the hosts in
  ``NO_PROXY`` (both clients read these variables themselves when ``trust_env`` is on, which
  is how the sessions here are made);
* trust the company's TLS-inspecting proxy: the CA file named by the ``ca_bundle`` setting
  (``SHOCKBOOK_CA_BUNDLE``), else ``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE`` or
  ``SSL_CERT_FILE``; on Windows, with none of these set, the Windows certificate store
  (exported once through Python's ``ssl.enum_certificates`` into a PEM file next to the
  cache, together with certifi's roots, because curl_cffi's BoringSSL cannot read the store).

:func:`describe_failure` turns a transport exception into one line naming the real cause
(certificate, proxy, DNS, timeout, refused connection, HTTP status), with what to do.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

#: Environment variables naming a CA file, after ``SHOCKBOOK_CA_BUNDLE``, in this order.
CA_ENV_VARS = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE")

#: The User-Agent of shockbook's own (non-yfinance) requests.
USER_AGENT = "shockbook (+https://pypi.org/project/shockbook)"


def ca_bundle(setting: str | Path | None = None, environ: Mapping[str, str] | None = None, *,
              platform: str | None = None, system_store: Callable[[], Path | None] | None = None
              ) -> str | None:
    """The CA file every HTTPS call should verify against, or None for the client's default
    (certifi's roots).

    ``setting`` (``SHOCKBOOK_CA_BUNDLE``) wins, then ``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``,
    ``SSL_CERT_FILE``. On Windows (``platform`` ``"win32"``) with none of them set, the
    Windows certificate store exported by ``system_store`` (default
    :func:`windows_store_bundle`).

    Raises
    ------
    shockbook.errors.InputError
        The named file does not exist (the message names the variable it came from).
    """
    from ..errors import InputError

    env = os.environ if environ is None else environ
    named: list[tuple[str, str]] = []
    if setting:
        named.append(("SHOCKBOOK_CA_BUNDLE", str(setting)))
    named += [(k, env[k]) for k in CA_ENV_VARS if env.get(k)]
    for key, value in named:
        path = Path(value).expanduser()
        if not path.is_file():
            raise InputError(f"{key}={value!r} is not a file; point it at your company's CA "
                             "certificate file (PEM)", argument=key)
        return str(path)
    if (platform or sys.platform) == "win32":
        exported = (system_store or windows_store_bundle)()
        return str(exported) if exported else None
    return None


def windows_store_bundle(folder: Path | None = None,
                         certificates: Iterable[bytes] | None = None) -> Path | None:
    """certifi's roots plus the Windows "ROOT" and "CA" stores, as one PEM file in ``folder``
    (default: shockbook's user cache folder), rewritten only when its content changes.

    ``certificates`` are DER blobs (default: ``ssl.enum_certificates`` of both stores, which
    exists only on Windows). Returns None when there is nothing to add to certifi's roots.
    """
    import ssl

    import certifi

    if certificates is None:
        enum = getattr(ssl, "enum_certificates", None)
        if enum is None:
            return None
        blobs: list[bytes] = []
        for store in ("ROOT", "CA"):
            try:
                blobs += [der for der, encoding, _trust in enum(store) if encoding == "x509_asn"]
            except OSError:
                continue
    else:
        blobs = list(certificates)
    if not blobs:
        return None
    pem = Path(certifi.where()).read_text(encoding="ascii", errors="replace")
    pem += "\n# Windows certificate store (exported by shockbook)\n"
    pem += "".join(ssl.DER_cert_to_PEM_cert(der) for der in dict.fromkeys(blobs))
    if folder is None:
        from platformdirs import user_cache_dir

        folder = Path(user_cache_dir("shockbook", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "ca-bundle-windows.pem"
    digest = hashlib.sha256(pem.encode()).hexdigest()
    if not target.exists() or hashlib.sha256(target.read_bytes()).hexdigest() != digest:
        from ..fileio import atomic_path

        with atomic_path(target) as tmp:
            tmp.write_text(pem, encoding="ascii")
    return target


def curl_session(ca: str | None = None, **kwargs: Any):
    """A ``curl_cffi`` session like yfinance's own (Chrome impersonation) that honours the
    proxy variables and verifies against ``ca`` (None: curl_cffi's default)."""
    from curl_cffi import requests as curl_requests

    kwargs.setdefault("impersonate", "chrome")
    kwargs.setdefault("trust_env", True)
    if ca:
        kwargs["verify"] = ca
    return curl_requests.Session(**kwargs)


def requests_session(ca: str | None = None):
    """A ``requests`` session that honours the proxy variables and verifies against ``ca``.

    (A plain ``requests.Session`` lets ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` override its
    own ``verify``; here ``ca``, which already took those into account, is final.)"""
    import requests

    class Session(requests.Session):
        def merge_environment_settings(self, url, proxies, stream, verify, cert):
            if verify is None and ca:
                verify = ca
            return super().merge_environment_settings(url, proxies, stream, verify, cert)

    session = Session()
    session.trust_env = True
    session.headers["User-Agent"] = USER_AGENT
    if ca:
        session.verify = ca
    return session


# -- why a connection failed ------------------------------------------------------------------


@dataclass(frozen=True)
class Cause:
    """Why a request failed: ``kind`` is ``certificate``, ``proxy``, ``dns``, ``timeout``,
    ``refused``, ``http`` or ``network``; ``line`` is the one line for the user."""

    kind: str
    line: str


_CURL_CODE = re.compile(r"curl: \((\d+)\)")
_CERT_CODES = {35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91}
_ADVICE = {
    "certificate": "if your office inspects HTTPS, set SHOCKBOOK_CA_BUNDLE to its CA certificate "
                   "file (PEM), or use --offline/--snapshot",
    "proxy": "check HTTPS_PROXY (and NO_PROXY), or use --offline/--snapshot",
    "dns": "check the network connection or the proxy setting HTTPS_PROXY, or use --offline/--snapshot",
    "timeout": "the network or a proxy is slow or blocking; try again or use --offline/--snapshot",
    "refused": "no internet connection, or a firewall/proxy is required (HTTPS_PROXY); "
               "or use --offline/--snapshot",
    "network": "check the network connection, or use --offline/--snapshot",
}


def describe_failure(exc: BaseException | None, host: str, *, status: int | None = None) -> Cause:
    """One line for the user on why ``host`` could not be used: from a transport exception
    of curl_cffi or requests, or (``exc`` None) from an HTTP ``status``."""
    if exc is None:
        return Cause("http", f"{host} answered HTTP {status}")
    name = type(exc).__name__
    names = {c.__name__ for c in type(exc).__mro__}
    answered = getattr(getattr(exc, "response", None), "status_code", None)
    if "HTTPError" in names and answered:
        return Cause("http", f"{host} answered HTTP {answered}")
    text = " ".join(str(exc).split())
    m = _CURL_CODE.search(text)
    code = int(m.group(1)) if m else None
    low = text.lower()
    if ("ProxyError" in names or code in (5, 97) or "proxy" in low and code != 60
            or "CONNECT tunnel failed" in text):
        kind = "proxy"
    elif ("SSLError" in names or "CertificateVerifyError" in names or code in _CERT_CODES
          or "certificate" in low or "ssl" in low):
        kind = "certificate"
    elif "DNSError" in names or code == 6 or "resolve" in low or "NameResolution" in text:
        kind = "dns"
    elif "Timeout" in name or "Timeout" in names or code == 28 or "timed out" in low:
        kind = "timeout"
    elif code == 7 or "refused" in low or "Failed to establish" in text:
        kind = "refused"
    else:
        kind = "network"
    what = {
        "certificate": f"the TLS certificate of {host} is not trusted",
        "proxy": f"the proxy did not connect to {host}",
        "dns": f"{host} could not be resolved (DNS)",
        "timeout": f"{host} did not answer in time",
        "refused": f"the connection to {host} was refused",
        "network": f"{host} cannot be reached",
    }[kind]
    detail = (f"curl: ({code})" if code is not None else name)
    return Cause(kind, f"{what} ({detail}); {_ADVICE[kind]}")


__all__ = ["CA_ENV_VARS", "Cause", "ca_bundle", "curl_session", "describe_failure",
           "requests_session", "windows_store_bundle", "USER_AGENT"]
