"""Each page type of the demo build has no axe-core violation of WCAG 2.2 AA, phone and desktop."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.quality import site_pages

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
MAX_NODES = 5  # per rule in the report; the first few show the pattern


def _describe(violation: dict[str, Any]) -> str:
    """Give a rule's violation as a few readable lines: the rule, then where and why."""
    rule = f"{violation['id']}: {violation['help']} ({violation['helpUrl']})"
    lines = [f"[{violation.get('impact')}] {rule}"]
    nodes = violation.get("nodes", [])
    for node in nodes[:MAX_NODES]:
        target = " ".join(str(t) for t in node.get("target", []))
        summary = " ".join((node.get("failureSummary") or "").split())
        lines.append(f"    {target}: {summary}")
    if len(nodes) > MAX_NODES:
        lines.append(f"    ... and {len(nodes) - MAX_NODES} more element(s)")
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("kind", site_pages.ALL_KINDS)
def test_page_type_has_no_wcag_violation(
    kind: str,
    viewport: str,
    representative_pages: dict[str, str],
    open_page: Callable,
    axe_source: str,
) -> None:
    url = representative_pages.get(kind)
    if url is None:
        if kind in site_pages.REQUIRED_KINDS:
            pytest.fail(f"the build has no {kind} page to check", pytrace=False)
        pytest.skip(f"the build has no {kind} page (an optional page type)")
    page = open_page(url, viewport).page
    page.add_script_tag(content=axe_source)
    result = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    violations = result["violations"]
    if violations:
        report = "\n".join(_describe(v) for v in violations)
        pytest.fail(
            f"{kind} page {url} at {viewport} width: {len(violations)} WCAG rule(s) violated "
            f"(axe-core {result['testEngine']['version']}):\n{report}",
            pytrace=False,
        )
