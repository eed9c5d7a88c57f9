"""The site's Content-Security-Policy, in one place: the `_headers` file and every page's <meta>.

GitHub Pages ignores `_headers`, so each page also carries the policy in a
`<meta http-equiv="Content-Security-Policy">`; a policy delivered that way cannot hold
frame-ancestors, report-uri or sandbox (browsers ignore them there), so those are left out.

Every page gets the base policy (the FURUSATO_CSP setting, by default POLICY) except the pages
under a folder of PAGE_POLICIES, which get the base policy plus the sources listed there: the
search pages alone may run WebAssembly (Pagefind). Both the <meta> of each page
(`meta_for`) and the `_headers` rules (host_config, through `policy_for`) read the same
mapping, and `_headers` gives every HTML page exactly one Content-Security-Policy rule (hosts
join the values of every matching rule, and a browser enforces each policy it is given, so a
looser rule beside a catch-all one would loosen nothing).

To give another page its own policy, add one line to PAGE_POLICIES keyed by its output folder
(relative to output/, ending in "/"), for example the web editor:

    "admin/": {"script-src": ["'unsafe-eval'"], "connect-src": ["https://api.github.com"]},

A folder inside a single-prefecture build is the same key (the site is rooted at its folder).
"""

from __future__ import annotations

from collections.abc import Mapping

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

# Sources added to the base policy for the pages under each output folder (see the docstring).
# Pagefind compiles its WebAssembly search engine in the page: 'wasm-unsafe-eval' allows
# WebAssembly and nothing else (no eval of JavaScript).
PAGE_POLICIES: dict[str, dict[str, list[str]]] = {
    "search/": {"script-src": ["'wasm-unsafe-eval'"]},
    "ja/search/": {"script-src": ["'wasm-unsafe-eval'"]},
}


def header(directives: Mapping[str, list[str]]) -> str:
    """Join CSP directives into one header value, in the order given."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def meta(directives: Mapping[str, list[str]]) -> str:
    """Return the policy for a <meta http-equiv> element: the header minus header-only parts."""
    return header({k: v for k, v in directives.items() if k not in HEADER_ONLY})


def folder_of(path: str) -> str | None:
    """Return the PAGE_POLICIES folder that output file `path` is under, or None (base)."""
    for folder in sorted(PAGE_POLICIES, key=len, reverse=True):
        if path.startswith(folder):
            return folder
    return None


def policy_for(path: str, base: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Return the full policy of output file `path`: `base` plus its folder's sources."""
    policy = {name: list(sources) for name, sources in base.items()}
    folder = folder_of(path)
    for name, sources in (PAGE_POLICIES[folder] if folder else {}).items():
        # A directive the base lacks falls back to default-src: start from that.
        current = policy.setdefault(name, list(base.get("default-src", [])))
        current.extend(s for s in sources if s not in current)
    return policy


def meta_for(path: str, base: Mapping[str, list[str]]) -> str:
    """Return the <meta> policy of the page written to output file `path`."""
    return meta(policy_for(path, base))
