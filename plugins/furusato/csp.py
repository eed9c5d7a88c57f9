"""The site's Content-Security-Policy, in one place: the `_headers` file and every page's <meta>
(POLICY), and the policies of the few pages that differ from it (PAGE_POLICIES).

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
# Pages whose policy differs from POLICY, by output folder: the one page below each folder
# (its index.html) gets this policy, in its <meta> and in its own `_headers` rule. Only these
# pages may run script; every other page keeps POLICY.
PAGE_POLICIES: dict[str, dict[str, list[str]]] = {
    # The web editor (Sveltia CMS, plugins/admin). Each source below was found by running the
    # editor in Chromium under this policy with violations reported (tests/quality/test_editor.py
    # fails on any violation); what it still asks for from other hosts is refused on purpose.
    "admin/": {
        "default-src": ["'self'"],
        # The editor's bundle and the shim that points it at the copies below, both in /admin/.
        "script-src": ["'self'"],
        # Svelte adds <style> elements and style attributes to the page as it renders.
        "style-src": ["'self'", "'unsafe-inline'"],
        # data: the editor's own icons and logo are data: URLs; blob: previews of pictures
        # picked from the device; avatars of people signed in with GitHub.
        "img-src": ["'self'", "data:", "blob:", "https://avatars.githubusercontent.com"],
        # Fonts are served from /admin/fonts/; the bundle's requests for the same fonts on
        # cdn.jsdelivr.net are refused.
        "font-src": ["'self'"],
        # 'self': config.yml and the UI translations; data:/blob: the editor fetch()es its
        # inline logo and pictures being uploaded; api.github.com: GitHub's REST and GraphQL
        # APIs, where the editor reads and saves files and opens pull requests. The editor's
        # update check and runtime downloads from unpkg.com are refused.
        "connect-src": ["'self'", "data:", "blob:", "https://api.github.com"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'none'"],
        "frame-ancestors": ["'none'"],
    },
}
# Directives that only an HTTP header can deliver (CSP Level 3, section 3.3).
HEADER_ONLY = frozenset({"frame-ancestors", "report-uri", "sandbox"})


def header(directives: dict[str, list[str]]) -> str:
    """Join CSP directives into one header value, in the order given."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def meta(directives: dict[str, list[str]]) -> str:
    """Return the policy for a <meta http-equiv> element: the header minus header-only parts."""
    return header({k: v for k, v in directives.items() if k not in HEADER_ONLY})
