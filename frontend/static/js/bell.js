// The notification bell in the top bar of every signed-in page: the number of unread
// notifications across the user's workspaces, and a panel listing them (a mention in a
// comment opens its row; the panel marks them read one by one or all at once, and clears
// them). New notifications arrive live on the page's socket.

import { pageSocket } from "./page_socket.js";
import { Api } from "./table/api.js";
import { errorText } from "./table/alert.js";
import { el } from "./table/dom.js";

const bell = document.getElementById("bell");
const LIMIT = 30;

/** What a notification says, and where it leads. */
function describe(n) {
  const who = n.sender?.first_name || n.sender?.name || "Someone";
  const data = n.data || {};
  switch (n.type) {
    case "row_comment_mention":
      return {
        text: `${who} mentioned you in a comment on “${data.row_name || `row ${data.row_id}`}” in ${data.table_name || "a table"}`,
        quote: data.message ? plain(data.message) : "",
        href: data.database_id && data.table_id && data.row_id ? `/database/${data.database_id}/table/${data.table_id}/row/${data.row_id}` : null,
      };
    case "row_comment":
      return {
        text: `${who} commented on “${data.row_name || `row ${data.row_id}`}” in ${data.table_name || "a table"}`,
        quote: data.message ? plain(data.message) : "",
        href: data.database_id && data.table_id && data.row_id ? `/database/${data.database_id}/table/${data.table_id}/row/${data.row_id}` : null,
      };
    case "form_submitted":
      return {
        text: `A form was submitted: ${data.form_name || "a form"} in ${data.table_name || "a table"}`,
        href: data.database_id && data.table_id ? `/database/${data.database_id}/table/${data.table_id}` : null,
      };
    case "webhook_deactivated":
      return { text: `The webhook “${data.webhook_name || ""}” was turned off after failing too often`, href: "/settings/webhooks" };
    case "workspace_invitation_created":
      return { text: `${who} invited you to ${data.invited_to_workspace_name || "a workspace"}`, href: "/dashboard" };
    case "workspace_invitation_accepted":
      return { text: `${who} accepted your invitation to ${data.invited_to_workspace_name || "a workspace"}`, href: null };
    case "workspace_invitation_rejected":
      return { text: `${who} declined your invitation to ${data.invited_to_workspace_name || "a workspace"}`, href: null };
    default:
      return { text: (n.type || "notification").replaceAll("_", " "), href: null };
  }
}

/** A rich message as one line of text. */
function plain(message) {
  if (typeof message === "string") {
    return message;
  }
  return (message?.content || [])
    .map((p) => (p.content || []).map((node) => (node.type === "mention" ? `@${node.attrs?.label ?? ""}` : node.text ?? "")).join(""))
    .join(" ");
}

function ago(iso) {
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return "just now";
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString(undefined, { day: "numeric", month: "short" });
}

if (bell) {
  const socket = pageSocket();
  const api = new Api({ webSocketId: () => socket.client.webSocketId });
  const badge = bell.querySelector(".bell-count");
  let workspaces = [];
  let panel = null;

  const setCount = (count) => {
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count === 0;
    bell.dataset.unread = String(count);
    bell.setAttribute("aria-label", count ? `Notifications, ${count} unread` : "Notifications");
  };

  /**
   * The unread count: each workspace's (from the workspace list) plus the unread ones of no
   * workspace (invitations), which every workspace's listing holds.
   */
  async function readCount() {
    try {
      workspaces = await api.get("/workspaces/");
      const ofWorkspaces = workspaces.reduce((sum, w) => sum + (w.unread_notifications_count || 0), 0);
      const outside = workspaces.length ? (await list()).filter((n) => !n.workspace && !n.read).length : 0;
      setCount(ofWorkspaces + outside);
    } catch {
      // The bell stays as it was; the next event or opening tries again.
    }
  }

  async function list() {
    const pages = await Promise.all(
      workspaces.map(async (w) => {
        const page = await api.get(`/notifications/${w.id}/`, { query: { limit: LIMIT } });
        return (page.results || []).map((n) => ({ ...n, workspaceId: w.id }));
      }),
    );
    // Notifications of no workspace (invitations) are listed with every workspace: once here.
    const byId = new Map(pages.flat().map((n) => [n.id, n]));
    return [...byId.values()].sort((a, b) => new Date(b.created_on) - new Date(a.created_on));
  }

  function close() {
    panel?.remove();
    panel = null;
    bell.setAttribute("aria-expanded", "false");
    document.removeEventListener("pointerdown", away, true);
  }

  function away(event) {
    if (panel && !panel.contains(event.target) && !bell.contains(event.target)) {
      close();
    }
  }

  async function render() {
    if (!panel) return;
    const items = panel.querySelector(".bell-items");
    const error = panel.querySelector(".bell-error");
    try {
      await readCount();
      const notifications = await list();
      items.replaceChildren(
        ...(notifications.length
          ? notifications.map((n) => item(n))
          : [el("li", { class: "bell-empty", textContent: "You're all caught up." })]),
      );
      error.hidden = true;
    } catch (e) {
      error.textContent = `Notifications could not be read: ${errorText(e)}`;
      error.hidden = false;
    }
  }

  function item(n) {
    const { text, quote, href } = describe(n);
    const open = async () => {
      if (!n.read) {
        try {
          await api.patch(`/notifications/${n.workspaceId}/${n.id}/`, { read: true });
        } catch {
          // Opening what it points to matters more than the mark.
        }
      }
      if (href) {
        window.location.assign(href);
      } else {
        render();
      }
    };
    return el(
      "li",
      { class: `bell-item${n.read ? "" : " unread"}`, "data-notification-id": String(n.id) },
      el(
        "button",
        { type: "button", class: "bell-open", onclick: open },
        el("span", { class: "bell-text", textContent: text }),
        quote ? el("span", { class: "bell-quote", textContent: quote }) : null,
        el("time", { dateTime: n.created_on, textContent: ago(n.created_on) }),
      ),
    );
  }

  async function everyWorkspace(method, suffix) {
    await Promise.all(workspaces.map((w) => api.request(method, `/notifications/${w.id}/${suffix}`)));
    render();
  }

  function openPanel() {
    panel = el(
      "div",
      { class: "bell-panel", id: "bell-panel", role: "dialog", "aria-label": "Notifications" },
      el(
        "div",
        { class: "bell-head" },
        el("strong", { textContent: "Notifications" }),
        el("button", { type: "button", class: "btn btn-quiet btn-small", id: "bell-read-all", textContent: "Mark all read", onclick: () => everyWorkspace("POST", "mark-all-as-read/") }),
        el("button", { type: "button", class: "btn btn-quiet btn-small", id: "bell-clear", textContent: "Clear", onclick: () => everyWorkspace("DELETE", "") }),
      ),
      el("p", { class: "name-error bell-error", role: "alert", hidden: true }),
      el("ul", { class: "bell-items" }, el("li", { class: "bell-empty", textContent: "Loading…" })),
    );
    bell.after(panel);
    bell.setAttribute("aria-expanded", "true");
    document.addEventListener("pointerdown", away, true);
    render();
  }

  bell.addEventListener("click", () => (panel ? close() : openPanel()));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && panel) {
      close();
      bell.focus();
    }
  });
  socket.on("event", (event) => {
    if (event.type === "notifications_created") {
      const added = (event.notifications || []).filter((n) => !n.read).length;
      setCount(Number(bell.dataset.unread || 0) + added);
      render();
    } else if (
      ["notification_marked_as_read", "all_notifications_marked_as_read", "all_notifications_cleared", "notifications_fetch_required"].includes(event.type)
    ) {
      if (panel) render();
      else readCount();
    }
  });
  bell.hidden = false;
  readCount();
}
