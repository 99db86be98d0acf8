"""The bundled fingerprint table, registrable domains and the HTML reader."""

from __future__ import annotations

import re

import pytest

from standby.discovery.html import references
from standby.discovery.names import registrable
from standby.discovery.vendors import table, vendor_of


def test_the_table_loads_and_no_domain_belongs_to_two_vendors() -> None:
    vendors = table()
    assert {"marketo", "hubspot", "pardot", "eloqua", "mailchimp"} <= {v.id for v in vendors}
    seen: dict[str, str] = {}
    for vendor in vendors:
        for pattern in vendor.patterns:
            re.compile(pattern)
        for domain in vendor.domains:
            assert registrable(domain) == domain, f"{vendor.id}: {domain} is not a registrable domain"
            assert seen.setdefault(domain, vendor.id) == vendor.id, (
                f"{domain} is in {seen[domain]} and {vendor.id}"
            )


@pytest.mark.parametrize(
    ("domain", "vendor", "role"),
    [
        ("mktoweb.com", "marketo", "landing pages"),
        ("mkto-a0244.com", "marketo", "email tracking links"),
        ("marketo.net", "marketo", "Munchkin"),
        ("hsforms.net", "hubspot", "embedded forms"),
        ("hscoscdn10.net", "hubspot", "CMS custom domains"),
        ("list-manage.com", "mailchimp", "signup forms"),
    ],
)
def test_vendors_are_recognised_by_domain_or_pattern(domain: str, vendor: str, role: str) -> None:
    found = vendor_of(domain)
    assert found is not None and found.id == vendor
    assert role in (found.role(domain) or "")


def test_unknown_domains_and_lookalikes_match_no_vendor() -> None:
    assert vendor_of("formvendor.example") is None
    assert vendor_of("notmarketo.com") is None


@pytest.mark.parametrize(
    ("host", "expected"),
    [("go.acme.co.uk", "acme.co.uk"), ("d123.cloudfront.net", "cloudfront.net"), ("a.b.github.io", "github.io"),
     ("127.0.0.1", None), ("com", None)],
)  # fmt: skip
def test_registrable_domains_come_from_the_icann_public_suffixes(host: str, expected: str | None) -> None:
    assert registrable(host) == expected


def test_the_html_reader_finds_every_kind_of_reference_and_survives_broken_markup() -> None:
    page = """<base href="https://cdn.acme.example/x/"><script src=a.js></script>
    <link rel="preload" href="//fonts.example.net/f.woff"><LINK REL=Stylesheet HREF=https://css.example.org/s.css>
    <iframe src="https://www.youtube.com/embed/1"></iframe><form action="https://forms.example.com/post">
    <img src="data:image/png;base64,AAAA"><img srcset="https://i.example.net/a.png 1x, /b.png 2x">
    <a href="https://links.example.com/">not a load</a><script src="javascript:alert(1)"></script><div <p>"""
    found = references(page, "https://go.acme.example/")
    assert found == [
        ("script", "cdn.acme.example"),
        ("script", "fonts.example.net"),
        ("stylesheet", "css.example.org"),
        ("iframe", "www.youtube.com"),
        ("form", "forms.example.com"),
        ("image", "i.example.net"),
        ("image", "cdn.acme.example"),
    ]
