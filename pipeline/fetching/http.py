"""The HTTP client: conditional GETs, manual redirects, address checks, size caps,
retries with backoff, and one counted outcome per fetch.

Outcomes (``FetchResult.outcome``): ``ok``, ``not_modified``, ``redirect_limit``,
``blocked_address``, ``bad_url``, ``client_error`` (4xx), ``rate_limited`` (429),
``server_error`` (5xx), ``timeout``, ``connection_error``, ``truncated``,
``too_large``, ``bad_content_type``.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import socket
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from aiohttp.resolver import ThreadedResolver

from ..clock import now_iso
from ..config import FetchSettings
from ..content import looks_like_html
from ..urls import host_of
from .decoding import acceptable, decode_text, media_type
from .politeness import HostScheduler
from .stats import FetchStats

if TYPE_CHECKING:
    from .warc import WarcWriter

REDIRECTS = {301, 302, 303, 307, 308}
RETRYABLE = {"timeout", "connection_error", "truncated", "server_error", "rate_limited"}


class BlockedAddress(OSError):
    """A host resolved to a private, loopback, link-local or otherwise non-public address."""


@dataclass
class FetchResult:
    """What one logical fetch (all redirects and retries included) produced."""

    url: str
    final_url: str
    outcome: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    body: bytes = b""
    text: str | None = None
    encoding: str | None = None
    encoding_guessed: bool = False
    retry_after: float | None = None
    error: str | None = None
    location: str | None = None  # set on the internal "redirect" outcome only
    fetched_at: str = field(default_factory=now_iso)

    @property
    def ok(self) -> bool:
        """True for a 2xx response whose body was read and accepted."""
        return self.outcome == "ok"

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


# IPv6 prefixes that carry an IPv4 address in their last 32 bits (RFC 6052 NAT64, RFC 8215
# local-use NAT64, and the deprecated IPv4-compatible ::a.b.c.d).
_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def is_public_address(address: str) -> bool:
    """False for loopback, private, link-local, multicast, reserved and similar addresses,
    also when an IPv6 form (mapped, compatible, NAT64, 6to4, Teredo) carries one of them."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if not ip.is_global or ip.is_multicast:
        return False
    return all(is_public_address(str(inner)) for inner in embedded_ipv4(ip))


def embedded_ipv4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address routes to or stands for (none for plain ones)."""
    if isinstance(ip, ipaddress.IPv4Address):
        return []
    found = [ip.ipv4_mapped, ip.sixtofour, *(ip.teredo or ())]
    if any(ip in net for net in (*_NAT64, _IPV4_COMPATIBLE)):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return [inner for inner in found if inner is not None]


class GuardedResolver(AbstractResolver):
    """A resolver that refuses non-public answers.

    Checking inside the resolver means the address we vet is the address we connect
    to (no DNS-rebinding gap), and every redirect hop is checked again.
    """

    def __init__(self, address_ok: Callable[[str], bool] = is_public_address) -> None:
        self._inner = ThreadedResolver()
        self._address_ok = address_ok

    async def resolve(self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET) -> list[Any]:
        infos = await self._inner.resolve(host, port, family)
        for info in infos:
            if not self._address_ok(info["host"]):
                raise BlockedAddress(f"{host} resolves to non-public address {info['host']}")
        return infos

    async def close(self) -> None:
        await self._inner.close()


RETRY_AFTER_CAP = 6 * 3600.0  # a server asking for longer is heard as asking for this


def parse_retry_after(value: str | None, cap: float = RETRY_AFTER_CAP) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), in [0, cap].

    None for junk (garbage, NaN, negative numbers); huge values (a 400-digit number, a date
    in ten years) are capped, so one header can neither overflow a float nor silence a feed.
    """
    value = (value or "").strip()
    if not value or len(value) > 64:
        return None if not value.isdigit() else cap
    if value.isdigit():
        return min(cap, float(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(cap, max(0.0, (when - datetime.now(UTC)).total_seconds()))


class HttpClient:
    """Fetches URLs politely.  Use as ``async with HttpClient(settings) as client``.

    ``get()`` never raises for network or HTTP trouble; it returns a ``FetchResult``
    whose ``outcome`` says what happened, and counts it in ``stats``.
    ``address_policy(ip) -> bool`` replaces the default rule (public addresses only,
    or anything with ``allow_private_addresses``), e.g. to allow one internal host.
    """

    def __init__(self, settings: FetchSettings, stats: FetchStats | None = None,
                 scheduler: HostScheduler | None = None, warc: WarcWriter | None = None,
                 address_policy: Callable[[str], bool] | None = None) -> None:
        self.settings = settings
        if address_policy is None and not settings.allow_private_addresses:
            address_policy = is_public_address
        self.address_policy = address_policy  # None: every address is fine
        self.stats = stats or FetchStats()
        self.scheduler = scheduler
        self.warc = warc
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> HttpClient:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def open(self) -> None:
        """Create the session (connection pool, guarded resolver unless allowed)."""
        if self._session is not None:
            return
        s = self.settings
        resolver = GuardedResolver(self.address_policy) if self.address_policy else None
        connector = aiohttp.TCPConnector(limit=s.global_concurrency, resolver=resolver,
                                         ttl_dns_cache=300)
        timeout = aiohttp.ClientTimeout(total=s.total_timeout, connect=s.connect_timeout,
                                        sock_read=s.read_timeout)
        self._session = aiohttp.ClientSession(
            connector=connector, timeout=timeout, auto_decompress=True,
            headers={"User-Agent": s.user_agent_header}, cookie_jar=aiohttp.DummyCookieJar())

    async def close(self) -> None:
        """Close the session and its connections."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def get(self, url: str, *, kind: str = "page", etag: str | None = None,
                  last_modified: str | None = None) -> FetchResult:
        """Fetch ``url`` (``kind`` is ``page``, ``feed`` or ``robots``), with retries."""
        await self.open()
        result = await self._follow(url, kind, etag, last_modified)
        for attempt in range(self.settings.max_retries):
            wait = self._retry_wait(result, attempt)
            if wait is None:
                break
            self.stats.count(kind, "retried")
            await self._pause(result.final_url, wait)
            result = await self._follow(url, kind, etag, last_modified)
        if result.outcome == "rate_limited" and self.scheduler is not None and result.retry_after:
            self.scheduler.block(host_of(result.final_url), result.retry_after)
        self.stats.count(kind, result.outcome)
        return result

    def _retry_wait(self, result: FetchResult, attempt: int) -> float | None:
        """How long to wait before retrying, or None when a retry is pointless."""
        if result.outcome not in RETRYABLE:
            return None
        if result.retry_after is not None:
            # A server that asks for a longer pause than we can wait gets it, from the scheduler.
            return result.retry_after if result.retry_after <= self.settings.max_retry_after else None
        return self.settings.backoff_base * (2 ** attempt)

    async def _pause(self, url: str, seconds: float) -> None:
        """Back off: through the host scheduler (so other hosts carry on) or a sleep."""
        if self.scheduler is not None:
            self.scheduler.defer(host_of(url), seconds)
        else:
            await asyncio.sleep(seconds)

    async def _follow(self, url: str, kind: str, etag: str | None,
                      last_modified: str | None) -> FetchResult:
        """One attempt: request, following up to ``max_redirects`` redirects by hand."""
        current = url
        for _ in range(self.settings.max_redirects + 1):
            result = await self._request(current, kind, etag, last_modified)
            if result.outcome != "redirect":
                result.url = url
                return result
            current = result.location or current
        return FetchResult(url, current, "redirect_limit",
                           error=f"more than {self.settings.max_redirects} redirects")

    async def _request(self, url: str, kind: str, etag: str | None,
                       last_modified: str | None) -> FetchResult:
        """Exactly one HTTP request, inside the host's politeness slot."""
        refused = self._refuse(url) or self._backing_off(url)
        if refused is not None:
            return refused
        headers = _conditional_headers(etag, last_modified)
        async with self._slot(url):
            try:
                assert self._session is not None
                async with self._session.get(url, headers=headers, allow_redirects=False) as resp:
                    return await self._read(resp, url, kind)
            except Exception as exc:  # noqa: BLE001 - every failure becomes an outcome
                return _failure(url, exc)

    def _refuse(self, url: str) -> FetchResult | None:
        """Reject non-HTTP URLs and, unless allowed, literal non-public IPs.

        Host names are vetted by ``GuardedResolver`` when connecting; literal IPs
        never reach a resolver, so they are checked here.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return FetchResult(url, url, "bad_url", error="not an http(s) URL")
        if self.address_policy is None:
            return None
        try:
            allowed = self.address_policy(parts.hostname)
        except ValueError:
            return None  # a name, not an address
        if allowed:
            return None
        return FetchResult(url, url, "blocked_address", error=f"non-public address {parts.hostname}")

    def _backing_off(self, url: str) -> FetchResult | None:
        """A local ``rate_limited`` result while the host's long Retry-After runs."""
        remaining = self.scheduler.blocked_for(host_of(url)) if self.scheduler else 0.0
        if remaining <= 0:
            return None
        return FetchResult(url, url, "rate_limited", retry_after=remaining,
                           error="host asked us to back off (Retry-After); not requested")

    def _slot(self, url: str) -> Any:
        """The scheduler's slot for ``url``, or nothing when running without one."""
        return self.scheduler.slot(url) if self.scheduler is not None else nullcontext()

    async def _read(self, resp: aiohttp.ClientResponse, url: str, kind: str) -> FetchResult:
        """Classify a response and, for a 2xx, read and decode its body."""
        result = FetchResult(url, url, "ok", status=resp.status, headers=_headers(resp))
        status = resp.status
        if status in REDIRECTS and "location" in result.headers:
            result.outcome, result.location = "redirect", urljoin(url, result.headers["location"])
        elif status == 304:
            result.outcome = "not_modified"
        elif not 200 <= status < 300:  # also a 3xx without Location
            _classify_error(result)
        elif not acceptable(kind, result.content_type):
            result.outcome, result.error = "bad_content_type", media_type(result.content_type)
        else:
            await self._read_body(resp, result, kind)
        self._archive(result)
        return result

    async def _read_body(self, resp: aiohttp.ClientResponse, result: FetchResult, kind: str) -> None:
        """Read at most ``max_body_bytes`` (decompressed) and decode pages and robots."""
        cap = self.settings.max_body_bytes
        if (resp.content_length or 0) > cap and "content-encoding" not in result.headers:
            result.outcome, result.error = "too_large", f"Content-Length {resp.content_length}"
            return
        body = await _read_capped(resp, cap)
        if body is None:
            result.outcome, result.error = "too_large", f"body over {cap} bytes"
            return
        result.body = body
        if kind == "page" and not body.strip():
            result.outcome, result.error = "bad_content_type", "empty body"
            return
        if kind == "page" and not media_type(result.content_type) and not looks_like_html(body):
            result.outcome, result.error = "bad_content_type", "untyped non-HTML body"
            return
        if kind != "feed":  # feed parsers want bytes: they read the XML declaration
            result.text, result.encoding, result.encoding_guessed = decode_text(body, result.content_type)
            if result.encoding_guessed:
                self.stats.count(kind, "charset_guessed")

    def _archive(self, result: FetchResult) -> None:
        """Write the response to the WARC file when one is configured."""
        if self.warc is not None and result.status is not None:
            self.warc.write_response(result.url, result.status, result.headers, result.body)


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for a conditional GET."""
    headers = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _headers(resp: aiohttp.ClientResponse) -> dict[str, str]:
    """Response headers with lower-cased names (repeated headers joined by commas)."""
    merged: dict[str, str] = {}
    for name, value in resp.headers.items():
        key = name.lower()
        merged[key] = f"{merged[key]}, {value}" if key in merged else value
    return merged


def _classify_error(result: FetchResult) -> None:
    """Set the outcome of a non-2xx response, keeping any Retry-After."""
    status = result.status or 0
    result.retry_after = parse_retry_after(result.headers.get("retry-after"))
    if status == 429:
        result.outcome = "rate_limited"
    elif status >= 500:
        result.outcome = "server_error"
    else:
        result.outcome = "client_error"
    result.error = f"HTTP {status}"


async def _read_capped(resp: aiohttp.ClientResponse, cap: int) -> bytes | None:
    """The body, or None as soon as it grows past ``cap`` (guards against gzip bombs)."""
    chunks, size = [], 0
    async for chunk in resp.content.iter_chunked(65536):
        size += len(chunk)
        if size > cap:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _failure(url: str, exc: Exception) -> FetchResult:
    """Map an exception raised while fetching to an outcome."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError) and isinstance(exc.os_error, BlockedAddress):
        return FetchResult(url, url, "blocked_address", error=str(exc.os_error))
    if isinstance(exc, asyncio.TimeoutError):
        return FetchResult(url, url, "timeout", error="timed out")
    if isinstance(exc, aiohttp.ClientPayloadError):
        return FetchResult(url, url, "truncated", error=str(exc) or "incomplete body")
    if isinstance(exc, (aiohttp.InvalidURL, ValueError)):
        return FetchResult(url, url, "bad_url", error=str(exc))
    if isinstance(exc, (aiohttp.ClientError, OSError)):
        return FetchResult(url, url, "connection_error", error=f"{type(exc).__name__}: {exc}")
    raise exc
