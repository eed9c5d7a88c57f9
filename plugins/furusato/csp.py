"""The site's Content-Security-Policy, in one place: the `_headers` file and every page's <meta>.

GitHub Pages ignores `_headers`, so each page also carries the policy in a
`<meta http-equiv="Content-Security-Policy">`; a policy delivered that way cannot hold
frame-ancestors, report-uri or sandbox (browsers ignore them there), so those are left out.
"""

from __future__ import annotations

# Video players whose pages an article may embed (the sanitizer's iframe allow-list, and the
# policy's frame-src).
EMBED_HOSTS = frozenset({"www.youtube-nocookie.com", "www.youtube.com", "player.vimeo.com"})

# The directives the pages must satisfy (tests/test_host_config.py checks every page).
POLICY: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "frame-src": sorted(f"https://{host}" for host in EMBED_HOSTS),
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
}
# Directives that only an HTTP header can deliver (CSP Level 3, section 3.3).
HEADER_ONLY = frozenset({"frame-ancestors", "report-uri", "sandbox"})


def header(directives: dict[str, list[str]]) -> str:
    """Join CSP directives into one header value, in the order given."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def meta(directives: dict[str, list[str]]) -> str:
    """Return the policy for a <meta http-equiv> element: the header minus header-only parts."""
    return header({k: v for k, v in directives.items() if k not in HEADER_ONLY})
