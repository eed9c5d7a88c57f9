"""The site's Content-Security-Policy, in one place: the `_headers` file and every page's <meta>
(POLICY), and the policies of the few pages that differ from it (PAGE_POLICIES).

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

To give another page its own policy, add one entry to PAGE_POLICIES keyed by its output folder
(relative to output/, ending in "/") with the sources it adds, as the web editor's "admin/"
does; `page_policies(repository)` gives the entries a site uses (the editor's only while a
repository is set).

A folder inside a single-prefecture build is the same key (the site is rooted at its folder).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

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
PAGE_POLICIES: dict[str, dict[str, list[str]]] = {
    # Pagefind compiles its WebAssembly search engine in the page: 'wasm-unsafe-eval' allows
    # WebAssembly and nothing else (no eval of JavaScript).
    "search/": {"script-src": ["'wasm-unsafe-eval'"]},
    "ja/search/": {"script-src": ["'wasm-unsafe-eval'"]},
    # The web editor (Sveltia CMS, plugins/admin), only while a repository is set (see
    # page_policies). Each source was found by running the editor in Chromium under this
    # policy with violations reported (tests/quality/test_editor.py fails on any violation);
    # what it still asks of other hosts (fonts on cdn.jsdelivr.net, code and an update check
    # on unpkg.com) is refused on purpose. Its script is the bundle and a shim, both 'self'.
    "admin/": {
        # Svelte adds <style> elements and style attributes to the page as it renders.
        "style-src": ["'unsafe-inline'"],
        # blob: previews of pictures picked from the device; avatars of people signed in with
        # GitHub (the editor's own icons are data: URLs, which the base allows).
        "img-src": ["blob:", "https://avatars.githubusercontent.com"],
        # Fonts are served from /admin/fonts/.
        "font-src": ["'self'"],
        # 'self': config.yml and the UI translations; data:/blob: the editor fetch()es its
        # inline logo and pictures being uploaded; GitHub's REST and GraphQL APIs, where the
        # editor reads and saves files and opens pull requests (another git host: see
        # page_policies).
        "connect-src": ["'self'", "data:", "blob:", "https://api.github.com"],
    },
}
EDITOR = "admin/"


def page_policies(repository: str | None) -> dict[str, dict[str, list[str]]]:
    """Return PAGE_POLICIES for a site whose repository is `repository` (FURUSATO_REPOSITORY):
    without one the editor runs no script and keeps the base policy; a repository on GitLab or
    on a Gitea/Forgejo server adds that server's API to the editor's connect-src."""
    pages = {folder: extra for folder, extra in PAGE_POLICIES.items() if folder != EDITOR}
    if not repository:
        return pages
    editor = {name: list(sources) for name, sources in PAGE_POLICIES[EDITOR].items()}
    parts = urlsplit(repository)
    if parts.hostname == "gitlab.com":
        editor["connect-src"].append("https://gitlab.com")
    elif parts.hostname != "github.com":
        editor["connect-src"].append(f"https://{parts.netloc}")
    pages[EDITOR] = editor
    return pages


def header(directives: Mapping[str, list[str]]) -> str:
    """Join CSP directives into one header value, in the order given."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def meta(directives: Mapping[str, list[str]]) -> str:
    """Return the policy for a <meta http-equiv> element: the header minus header-only parts."""
    return header({k: v for k, v in directives.items() if k not in HEADER_ONLY})


def folder_of(
    path: str, pages: Mapping[str, Mapping[str, list[str]]] = PAGE_POLICIES
) -> str | None:
    """Return the folder of `pages` that output file `path` is under, or None (base)."""
    for folder in sorted(pages, key=len, reverse=True):
        if path.startswith(folder):
            return folder
    return None


def policy_for(
    path: str,
    base: Mapping[str, list[str]],
    pages: Mapping[str, Mapping[str, list[str]]] = PAGE_POLICIES,
) -> dict[str, list[str]]:
    """Return the full policy of output file `path`: `base` plus its folder's sources."""
    policy = {name: list(sources) for name, sources in base.items()}
    folder = folder_of(path, pages)
    for name, sources in (pages[folder] if folder else {}).items():
        # A directive the base lacks falls back to default-src: start from that.
        current = policy.setdefault(name, list(base.get("default-src", [])))
        current.extend(s for s in sources if s not in current)
    return policy


def meta_for(
    path: str,
    base: Mapping[str, list[str]],
    pages: Mapping[str, Mapping[str, list[str]]] = PAGE_POLICIES,
) -> str:
    """Return the <meta> policy of the page written to output file `path`."""
    return meta(policy_for(path, base, pages))


def meta_by_path(
    base: Mapping[str, list[str]],
    pages: Mapping[str, Mapping[str, list[str]]] = PAGE_POLICIES,
) -> Callable[[str], str]:
    """Return `meta_for` with every folder's policy joined once, for the templates to call on
    each page they render (a lookup, not a policy built again per page)."""
    metas = {folder: meta(policy_for(folder, base, pages)) for folder in pages}
    plain = meta(base)
    return lambda path: metas.get(folder_of(path, pages) or "", plain)
