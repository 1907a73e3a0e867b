#!/usr/bin/env python3
"""Lists every path and method Baserow's web client calls, as a JSON fixture.

Usage: scripts/baserow-paths.py BASEROW_GIT_DIR [COMMIT] > backend/tests/fixtures/baserow_client_paths.json

BASEROW_GIT_DIR is a clone of github.com/bram2w/baserow (bare or not). The calls are read
from the web client's service modules (web-frontend/modules/core/services and
modules/database/services); each is matched against the URL patterns of the free
edition's backend (backend/src/baserow/**/api/**/urls.py) to name the backend route that
serves it in Baserow. Only facts are written: method, path, the ids a path needs, a
plausible request body, where the call is made and which backend route answers it.
"""

import json
import re
import subprocess
import sys

SERVICE_DIRS = ("web-frontend/modules/core/services/", "web-frontend/modules/database/services/")

# Where each free-edition urls.py is mounted in Baserow's include tree (baserow/config/urls.py
# mounts baserow/api/urls.py at api/; the database application mounts its urls at
# database/; view types mount theirs at views/<type>/).
MOUNTS = {
    "backend/src/baserow/api/urls.py": "/api/",
    "backend/src/baserow/api/settings/urls.py": "/api/settings/",
    "backend/src/baserow/api/auth_provider/urls.py": "/api/auth-provider/",
    "backend/src/baserow/api/user/urls.py": "/api/user/",
    "backend/src/baserow/api/user_files/urls.py": "/api/user-files/",
    "backend/src/baserow/api/workspaces/urls.py": "/api/workspaces/",
    "backend/src/baserow/api/workspaces/users/urls.py": "/api/workspaces/users/",
    "backend/src/baserow/api/workspaces/invitations/urls.py": "/api/workspaces/invitations/",
    "backend/src/baserow/api/templates/urls.py": "/api/templates/",
    "backend/src/baserow/api/applications/urls.py": "/api/applications/",
    "backend/src/baserow/api/trash/urls.py": "/api/trash/",
    "backend/src/baserow/api/jobs/urls.py": "/api/jobs/",
    "backend/src/baserow/api/snapshots/urls.py": "/api/snapshots/",
    "backend/src/baserow/api/health/urls.py": "/api/_health/",
    "backend/src/baserow/api/notifications/urls.py": "/api/notifications/",
    "backend/src/baserow/api/admin/users/urls.py": "/api/admin/users/",
    "backend/src/baserow/api/admin/workspaces/urls.py": "/api/admin/workspaces/",
    "backend/src/baserow/api/admin/dashboard/urls.py": "/api/admin/dashboard/",
    "backend/src/baserow/api/mcp/urls.py": "/api/mcp/",
    "backend/src/baserow/api/integrations/urls.py": "/api/",
    "backend/src/baserow/api/user_sources/urls.py": "/api/",
    "backend/src/baserow/contrib/database/api/tables/urls.py": "/api/database/tables/",
    "backend/src/baserow/contrib/database/api/views/urls.py": "/api/database/views/",
    "backend/src/baserow/contrib/database/api/views/grid/urls.py": "/api/database/views/grid/",
    "backend/src/baserow/contrib/database/api/views/gallery/urls.py": "/api/database/views/gallery/",
    "backend/src/baserow/contrib/database/api/views/form/urls.py": "/api/database/views/form/",
    "backend/src/baserow/contrib/database/api/fields/urls.py": "/api/database/fields/",
    "backend/src/baserow/contrib/database/api/webhooks/urls.py": "/api/database/webhooks/",
    "backend/src/baserow/contrib/database/api/rows/urls.py": "/api/database/rows/",
    "backend/src/baserow/contrib/database/api/tokens/urls.py": "/api/database/tokens/",
    "backend/src/baserow/contrib/database/api/export/urls.py": "/api/database/export/",
    "backend/src/baserow/contrib/database/api/formula/urls.py": "/api/database/formula/",
    "backend/src/baserow/contrib/database/api/data_sync/urls.py": "/api/database/data-sync/",
    "backend/src/baserow/contrib/database/api/field_rules/urls.py": "/api/database/field-rules/",
}

# Template placeholders that are not ids but choices made in the client; each becomes one
# entry per alternative (the grid and gallery fetch the shared view's rows under
# public/rows/; the application list is asked for all or one workspace's).
CHOICES = {
    "workspaceUrl": ["", "workspace/${workspaceId}/"],
    "url": ["", "public/rows/"],
    "storePrefix": ["gallery"],
}

# URL-building helpers the services call instead of a literal (fieldRules.js's getUrl).
HELPERS = {
    "getUrl(tableId)": "/database/field-rules/${tableId}/",
    "getUrl(tableId, ruleId)": "/database/field-rules/${tableId}/rule/${ruleId}/",
}

# Placeholder → the id it names. Per file where a name means different things.
IDS = {
    "id": "workspace_id",
    "workspace.id": "workspace_id",
    "workspaceId": "workspace_id",
    "applicationId": "database_id",
    "databaseId": "database_id",
    "tableId": "table_id",
    "fieldId": "field_id",
    "viewId": "view_id",
    "gridId": "view_id",
    "viewSlug": "view_slug",
    "slug": "view_slug",
    "rowId": "row_id",
    "tokenId": "token_id",
    "jobId": "job_id",
    "webhookId": "webhook_id",
    "viewFilterId": "filter_id",
    "viewFilterGroupId": "filter_group_id",
    "viewSortId": "sort_id",
    "viewGroupById": "group_by_id",
    "viewDecorationId": "decoration_id",
    "invitationId": "invitation_id",
    "token": "invitation_token",
    "workspaceUserId": "workspace_user_id",
    "snapshotId": "snapshot_id",
    "templateId": "template_id",
    "userId": "user_id",
    "notificationId": "notification_id",
    "integrationId": "integration_id",
    "userSourceId": "user_source_id",
    "dataSyncId": "data_sync_id",
    "ruleId": "rule_id",
    "endpointId": "mcp_endpoint_id",
    "resourceId": "resource_id",
}
IDS_PER_FILE = {"core/services/template.js": {"slug": "template_slug"}}

# Plausible request bodies, keyed by "METHOD path" (Baserow's documented shapes; {x}
# stands for an id or value the caller substitutes).
BODIES = {
    "POST /api/user/token-auth/": {"email": "{email}", "password": "{password}"},
    "POST /api/user/token-blacklist/": {"refresh_token": "not-a-token"},
    "POST /api/user/token-refresh/": {"refresh_token": "{refresh_token}"},
    "POST /api/user/": {"name": "Newcomer", "email": "newcomer@example.com", "password": "password123"},
    "POST /api/user/send-reset-password-email/": {"email": "{email}", "base_url": "{public_url}/reset"},
    "POST /api/user/reset-password/": {"token": "not-a-token", "password": "password1234"},
    "POST /api/user/change-password/": {"old_password": "wrong-password", "new_password": "password1234"},
    "POST /api/user/send-verify-email/": {"email": "{email}"},
    "POST /api/user/verify-email/": {"token": "not-a-token"},
    "PATCH /api/user/account/": {"first_name": "Ann"},
    "POST /api/user/share-onboarding-details-with-baserow/": {"team": "Marketing", "role": "CEO", "size": "1 - 5", "country": "Netherlands"},
    "PATCH /api/user/undo/": {"scopes": {"root": True}},
    "PATCH /api/user/redo/": {"scopes": {"root": True}},
    "POST /api/_health/email/": {"target_email": "{email}"},
    "POST /api/workspaces/": {"name": "Another workspace"},
    "PATCH /api/workspaces/{workspace_id}/": {"name": "Renamed workspace"},
    "POST /api/workspaces/order/": {"workspaces": ["{workspace_id}"]},
    "POST /api/workspaces/create-initial-workspace/": {"name": "First"},
    "POST /api/workspaces/invitations/workspace/{workspace_id}/": {"email": "invitee@example.com", "permissions": "MEMBER", "message": "", "base_url": "{public_url}/invite"},
    "PATCH /api/workspaces/invitations/{invitation_id}/": {"permissions": "ADMIN"},
    "PATCH /api/workspaces/users/{workspace_user_id}/": {"permissions": "MEMBER"},
    "PATCH /api/workspaces/{workspace_id}/settings/generative-ai/": {},
    "POST /api/workspaces/{workspace_id}/export/async/": {"application_ids": ["{database_id}"]},
    "POST /api/workspaces/{workspace_id}/import/async/": {"resource_id": "{resource_id}"},
    "POST /api/applications/workspace/{workspace_id}/": {"name": "Another database", "type": "database"},
    "PATCH /api/applications/{database_id}/": {"name": "Renamed database"},
    "POST /api/applications/workspace/{workspace_id}/order/": {"application_ids": ["{database_id}"]},
    "POST /api/snapshots/application/{database_id}/": {"name": "Snapshot"},
    "PATCH /api/trash/restore/": {"trash_item_type": "row", "trash_item_id": "{trashed_row_id}", "parent_trash_item_id": "{table_id}"},
    "POST /api/user-files/upload-via-url/": {"url": "http://127.0.0.1:9/file.png"},
    "PATCH /api/settings/update/": {"allow_new_signups": True},
    "POST /api/jobs/": {"type": "file_import", "table_id": "{table_id}", "data": "x\n"},
    "PATCH /api/admin/users/{user_id}/": {"name": "Ann"},
    "POST /api/admin/users/impersonate/": {"user": "{user_id}"},
    "POST /api/database/tables/database/{database_id}/": {"name": "Another table"},
    "POST /api/database/tables/database/{database_id}/async/": {"name": "Imported", "data": [["a", "b"], ["1", "2"]], "first_row_header": True},
    "POST /api/database/tables/{table_id}/import/async/": {"data": [["x", "y"]]},
    "PATCH /api/database/tables/{table_id}/": {"name": "Renamed table"},
    "POST /api/database/tables/database/{database_id}/order/": {"table_ids": ["{table_id}"]},
    "POST /api/database/fields/table/{table_id}/": {"name": "Added", "type": "text"},
    "PATCH /api/database/fields/{field_id}/": {"name": "Renamed field"},
    "POST /api/database/fields/{field_id}/duplicate/async/": {"duplicate_data": False},
    "POST /api/database/fields/table/{table_id}/change-primary-field/": {"new_primary_field_id": "{field_id}"},
    "POST /api/database/formula/{table_id}/type/": {"formula": "1+1", "name": "F"},
    "POST /api/database/rows/table/{table_id}/": {},
    "POST /api/database/rows/table/{table_id}/batch/": {"items": [{}]},
    "PATCH /api/database/rows/table/{table_id}/{row_id}/": {},
    "PATCH /api/database/rows/table/{table_id}/batch/": {"items": [{"id": "{row_id}"}]},
    "POST /api/database/rows/table/{table_id}/batch-delete/": {"items": ["{spare_row_id}"]},
    "POST /api/database/views/table/{table_id}/": {"name": "Another grid", "type": "grid"},
    "PATCH /api/database/views/{view_id}/": {"name": "Renamed view"},
    "POST /api/database/views/table/{table_id}/order/": {"view_ids": ["{view_id}"]},
    "PATCH /api/database/views/{view_id}/field-options/": {"field_options": {"{field_id}": {"width": 220}}},
    "POST /api/database/views/{view_id}/filters/": {"field": "{field_id}", "type": "equal", "value": "x"},
    "POST /api/database/views/{view_id}/filter-groups/": {"parent_group": None},
    "PATCH /api/database/views/filter/{filter_id}/": {"value": "y"},
    "PATCH /api/database/views/filter-group/{filter_group_id}/": {"filter_type": "OR"},
    "POST /api/database/views/{view_id}/sortings/": {"field": "{field_id}", "order": "ASC"},
    "PATCH /api/database/views/sort/{sort_id}/": {"order": "DESC"},
    "POST /api/database/views/{view_id}/group_bys/": {"field": "{field_id}", "order": "ASC"},
    "PATCH /api/database/views/group_by/{group_by_id}/": {"order": "DESC"},
    "POST /api/database/views/{view_id}/decorations/": {"type": "left_border_color", "value_provider_type": "", "value_provider_conf": {}},
    "PATCH /api/database/views/decoration/{decoration_id}/": {"type": "background_color"},
    "POST /api/database/views/grid/{view_id}/": {"row_ids": ["{row_id}"]},
    "POST /api/database/views/form/{view_slug}/submit/": {},
    "POST /api/database/tokens/": {"name": "Token", "workspace": "{workspace_id}"},
    "PATCH /api/database/tokens/{token_id}/": {"name": "Renamed token"},
    "POST /api/database/webhooks/table/{table_id}/": {"url": "http://127.0.0.1:9/hook", "request_method": "POST", "name": "Hook", "include_all_events": True, "use_user_field_names": True},
    "PATCH /api/database/webhooks/{webhook_id}/": {"name": "Renamed hook"},
    "POST /api/database/webhooks/table/{table_id}/test-call/": {"url": "http://127.0.0.1:9/hook", "request_method": "POST", "event_type": "rows.created", "use_user_field_names": True},
    "POST /api/database/export/table/{table_id}/": {"exporter_type": "csv", "export_charset": "utf-8", "csv_column_separator": ",", "csv_include_header": True},
    "POST /api/database/export/workspace/{workspace_id}/async/": {"application_ids": ["{database_id}"]},
    "POST /api/database/data-sync/database/{database_id}/": {"type": "ical_calendar", "table_name": "Calendar", "ical_url": "http://127.0.0.1:9/cal.ics", "synced_properties": ["uid"]},
    "PATCH /api/database/data-sync/{data_sync_id}/": {"synced_properties": ["uid"]},
    "POST /api/database/data-sync/properties/": {"type": "ical_calendar", "ical_url": "http://127.0.0.1:9/cal.ics"},
    "POST /api/database/field-rules/{table_id}/": {"type": "date_dependency"},
    "PUT /api/database/field-rules/{table_id}/rule/{rule_id}/": {"type": "date_dependency"},
    "POST /api/mcp/endpoints/": {"name": "Endpoint", "workspace_id": "{workspace_id}"},
    "PATCH /api/mcp/endpoint/{mcp_endpoint_id}/": {"name": "Renamed"},
    "PATCH /api/notifications/{workspace_id}/{notification_id}/": {"read": True},
    "POST /api/application/{database_id}/integrations/": {"type": "local_baserow"},
    "PATCH /api/integration/{integration_id}/": {"name": "Renamed"},
    "PATCH /api/integration/{integration_id}/move/": {"before_id": None},
    "POST /api/application/{database_id}/user-sources/": {"type": "local_baserow"},
    "PATCH /api/user-source/{user_source_id}/": {"name": "Renamed"},
    "PATCH /api/user-source/{user_source_id}/move/": {"before_id": None},
    "POST /api/user-source/{user_source_id}/force-token-auth": {"user_id": 1},
    "POST /api/user-source/{user_source_id}/token-auth": {"email": "{email}", "password": "{password}"},
    "POST /api/user-source-auth-refresh/": {"refresh_token": "not-a-token"},
    "POST /api/user-source-token-blacklist/": {"refresh_token": "not-a-token"},
}

# Calls that send a file as multipart/form-data (the body is then the form, not JSON).
MULTIPART = {
    "POST /api/user-files/upload-file/",
    "POST /api/workspaces/{workspace_id}/import/upload-file/",
    "POST /api/database/views/form/{view_slug}/upload-file/",
}

CALL = re.compile(r"client\.(get|post|patch|put|delete)\(\s*")
PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
# A method definition: `name(args) {`, or `name(` / `name({` opening multi-line arguments.
FUNCTION = re.compile(r"^\s*(?:async\s+)?([A-Za-z_]\w*)\s*\((?:.*\)\s*\{|\{?)\s*$")


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", repo, *args], check=True, capture_output=True, text=True).stdout


def first_argument(text, start):
    """The URL argument of a call starting at `start`: a literal or a helper call."""
    quote = text[start]
    if quote in "`'\"":
        end = text.index(quote, start + 1)
        return text[start + 1 : end]
    end = text.index(")", start) + 1
    return HELPERS[text[start:end]]


def expand(template):
    """Every concrete template for the client's choices (CHOICES), recursively."""
    for match in PLACEHOLDER.finditer(template):
        name = match.group(1)
        if name in CHOICES:
            out = []
            for choice in CHOICES[name]:
                out += expand(template[: match.start()] + choice + template[match.end() :])
            return out
    return [template]


def enclosing_function(text, pos):
    for line in reversed(text[:pos].splitlines()):
        m = FUNCTION.match(line)
        if m and m.group(1) not in ("if", "for", "while", "switch", "return", "function"):
            return m.group(1)
    return None


def client_calls(repo, commit):
    files = [f for f in git(repo, "ls-tree", "-r", "--name-only", commit).splitlines()
             if f.startswith(SERVICE_DIRS) and f.endswith(".js")]
    for path in sorted(files):
        text = git(repo, "show", f"{commit}:{path}")
        short = path.removeprefix("web-frontend/modules/")
        names = {**IDS, **IDS_PER_FILE.get(short, {})}
        for m in CALL.finditer(text):
            template = first_argument(text, m.end()).split("?")[0]
            for concrete in expand(template):
                url = "/api/" + concrete.lstrip("/")
                needs = []

                def substitute(p):
                    kind = names[p.group(1)]
                    if kind not in needs:
                        needs.append(kind)
                    return "{" + kind + "}"

                url = PLACEHOLDER.sub(substitute, url)
                yield {
                    "method": m.group(1).upper(),
                    "path": url,
                    "needs": needs,
                    "source": f"{short}:{enclosing_function(text, m.start())}",
                }


def url_patterns(repo, commit):
    """(regex, route name) for every named pattern of the mounted free-edition urls.py."""
    out = []
    for path, mount in MOUNTS.items():
        text = git(repo, "show", f"{commit}:{path}")
        for m in re.finditer(r"\b(re_path|path)\(\s*r?([\"'])(.*?)\2(.*?)(?=\b(?:re_path|path)\(|\Z)", text, re.S):
            kind, pattern, rest = m.group(1), m.group(3), m.group(4)
            name = re.search(r"name=[\"']([^\"']+)", rest)
            if not name or "include(" in rest:
                continue
            if kind == "path":
                pattern = re.sub(r"<int:\w+>", "[0-9]+", re.escape(pattern).replace(r"\<", "<").replace(r"\>", ">"))
                pattern = re.sub(r"<(?:str|slug|uuid):\w+>|<\w+>", "[^/]+", pattern)
            regex = re.escape(mount) + pattern.lstrip("^").rstrip("$")
            ns = path.removeprefix("backend/src/baserow/").removesuffix("/urls.py").replace("/", ".")
            out.append((re.compile(regex), f"{ns}:{name.group(1)}"))
    return out


SAMPLES = {"view_slug": "abc-Slug_1", "template_slug": "a-template", "invitation_token": "abc.def-ghi", "resource_id": "1"}


def backend_route(path, patterns):
    """The name of the route answering `path`, and the names its groups give the ids."""
    sample = re.sub(r"\{(\w+)\}", lambda m: SAMPLES.get(m.group(1), "1"), path)
    for regex, name in patterns:
        m = regex.fullmatch(sample)
        if m:
            return name, list(regex.groupindex)
    return None, []


def slugs_where_routed(call, groups):
    """The client passes a shared view's slug where its variable is called a view id (the
    grid's and gallery's public rows); the backend's pattern names it a slug."""
    kinds = re.findall(r"\{(\w+)\}", call["path"])
    for kind, group in zip(kinds, groups):
        if kind == "view_id" and "slug" in group:
            call["path"] = call["path"].replace("{view_id}", "{view_slug}")
            call["needs"] = ["view_slug" if n == "view_id" else n for n in call["needs"]]


def main():
    repo = sys.argv[1]
    commit = git(repo, "rev-parse", sys.argv[2] if len(sys.argv) > 2 else "HEAD").strip()
    version = re.search(r'VERSION\s*=\s*"([^"]+)"', git(repo, "show", f"{commit}:backend/src/baserow/version.py")).group(1)
    patterns = url_patterns(repo, commit)
    entries, seen = [], set()
    for call in client_calls(repo, commit):
        key = (call["method"], call["path"])
        if key in seen:
            continue
        seen.add(key)
        call["backend_route"], groups = backend_route(call["path"], patterns)
        slugs_where_routed(call, groups)
        body = BODIES.get(f"{call['method']} {call['path']}")
        if body is None and call["method"] in ("POST", "PATCH", "PUT"):
            body = {}
        call["body"] = body
        call["multipart"] = f"{call['method']} {call['path']}" in MULTIPART
        entries.append(call)
    unused = set(BODIES) - {f"{e['method']} {e['path']}" for e in entries}
    if unused:
        sys.exit(f"bodies for calls the client does not make: {sorted(unused)}")
    json.dump({
        "baserow_version": version,
        "baserow_commit": commit,
        "source": "github.com/bram2w/baserow: web-frontend/modules/{core,database}/services/**/*.js, "
                  "routes from backend/src/baserow/**/api/**/urls.py",
        "generated_by": "scripts/baserow-paths.py",
        "paths": entries,
    }, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
