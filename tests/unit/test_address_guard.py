"""The address guard refuses private targets in every IPv6 disguise, and lets public ones through."""

from __future__ import annotations

import math

import pytest

from newsflow.fetching.http import RETRY_AFTER_CAP, is_public_address, parse_retry_after

PRIVATE_FORMS = [
    "127.0.0.1", "10.1.2.3", "192.168.0.1", "169.254.169.254", "0.0.0.0", "::1", "fe80::1", "fc00::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1",  # IPv4-mapped
    "::127.0.0.1", "::10.0.0.1", "::169.254.169.254",  # IPv4-compatible (deprecated)
    "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b::192.168.1.1",  # NAT64 well-known prefix
    "64:ff9b:1::7f00:1", "64:ff9b:1:2::a9fe:a9fe",  # NAT64 local-use prefix
    "2002:7f00:1::", "2002:a00:1::1", "2002:c0a8:101::",  # 6to4
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "fe80::1%eth0",
]


@pytest.mark.parametrize("address", PRIVATE_FORMS)
def test_private_forms_are_refused(address):
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111", "::ffff:93.184.216.34",
                                     "64:ff9b::5db8:d822", "2002:5db8:d822::1"])
def test_public_forms_pass(address):
    assert is_public_address(address)


@pytest.mark.parametrize("header, expected", [
    ("120", 120.0), (" 7 ", 7.0), ("0", 0.0),
    ("9" * 400, RETRY_AFTER_CAP), ("315360000", RETRY_AFTER_CAP),  # 400 digits, ten years
    ("Fri, 01 Jan 2100 00:00:00 GMT", RETRY_AFTER_CAP), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
    ("-5", None), ("NaN", None), ("inf", None), ("1e9", None), ("soon", None), ("", None), (None, None),
    ("Mon, 99 Foo 99999 99:99:99 GMT", None), ("x" * 500, None),
])
def test_retry_after_is_parsed_safely_and_capped(header, expected):
    value = parse_retry_after(header)
    assert value == expected
    assert value is None or (math.isfinite(value) and 0 <= value <= RETRY_AFTER_CAP)
