"""`_headers`: the HTTP headers and cache rules for static hosts that read one (Netlify,
Cloudflare Pages; docs/hosting.md), rendered from the theme's `templates/_headers`.

On these hosts every rule whose pattern matches a URL applies, and two values of one header
are joined with a comma: two Content-Security-Policy values are two policies, and a browser
enforces both. So an embed page (`<shift>/embed/`, framed by the sites of `embed: allow`) must
match no rule that says `frame-ancestors 'none'`, and the policy is given with the cache rules,
which never overlap, instead of once for `/*`. With embed pages, the one pattern of depth two
(`/:a/:b/`, which would match `<shift>/embed/`) becomes one rule per team (`/:a/<team>/`: the
team's timeline in every shift and its page across shifts) and one for `/:shift/embed/`.
"""

from __future__ import annotations

from collections.abc import Iterator

from followshift.render.context import RenderContext
from followshift.render.producers import OutputFile

# The policy of every page (each page also carries it as <meta>, except frame-ancestors, which
# only works as a header): nothing from elsewhere, no inline script or style, not framed.
POLICY = (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'"
)


def files(ctx: RenderContext) -> Iterator[OutputFile]:
    embed = ctx.config.embed
    context = {
        "csp": f"{POLICY}; frame-ancestors 'none'",
        "embed_csp": f"{POLICY}; {embed.frame_ancestors}" if embed.enabled else "",
        "teams": ctx.teams_with_posts,
    }
    yield "_headers", ctx.templates.render("_headers", context).encode("utf-8")
