"""`standby pages build`: the fallback pages and switch scripts as static files, laid out like the
routes that serve them (p/ID/index.html, p/ID/thanks/index.html, f/ID.js), so they can be hosted
anywhere — away from the platform and from Standby — and published with the status page's publisher."""

from __future__ import annotations

from standby.core.errors import StandbyError
from standby.leads import pages
from standby.plan.fallback import capture_url
from standby.plan.model import Plan


def site(plan: Plan) -> dict[str, bytes]:
    """Path under the site root → bytes, for every form of the plan."""
    capture = capture_url(plan)
    if capture is None:
        raise StandbyError(
            "the pages need to know where to post: set fallback.capture_url (the public URL of this "
            "Standby) or settings.base_url in the plan"
        )
    if not plan.forms:
        raise StandbyError("the plan has no forms: add some under forms: (docs/plan-b.md)")
    base = str(plan.fallback.pages_url).rstrip("/") if plan.fallback and plan.fallback.pages_url else capture
    files: dict[str, bytes] = {}
    for form in plan.forms:
        page = pages.page(plan, form, action=f"{capture}/f/{form.id}")
        files[f"p/{form.id}/index.html"] = page.encode()
        files[f"p/{form.id}/thanks/index.html"] = pages.thanks(plan, form).encode()
        script = pages.script(form, capture_url=capture, script_url=f"{base}/f/{form.id}.js")
        files[f"f/{form.id}.js"] = script.encode()
    return files
