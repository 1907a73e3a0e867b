// The expanded row's comments: anyone who may read the row writes them; `@` offers the
// workspace's members and makes a mention, which notifies them; authors edit and delete
// their own. They follow the row live: a comment made elsewhere shows up while the dialog
// is open. (The row's history is row_history.js, under the fields.)

import { errorText } from "./alert.js";
import { el } from "./dom.js";
import { initials, viewerColour } from "./viewers.js";

const PAGE = 50;

/** A moment as the user's clock shows it: "14:05" today, else "3 Dec, 14:05". */
function when(iso) {
  const date = new Date(iso);
  const today = new Date().toDateString() === date.toDateString();
  const time = date.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
  return today ? time : `${date.toLocaleDateString(undefined, { day: "numeric", month: "short" })}, ${time}`;
}

function avatar(id, name) {
  return el("span", {
    class: "activity-avatar",
    textContent: initials(name),
    "aria-hidden": "true",
    style: `background-color: ${viewerColour(id)}`,
  });
}

// ---- Rich messages: paragraphs of text and mentions, as Baserow stores them ----

/** The text typed (with `@Name` for each chosen mention) as a rich message. */
export function toMessage(text, mentions) {
  const paragraphs = text.split("\n").map((line) => {
    const content = [];
    let rest = line;
    while (rest) {
      let first = null;
      for (const m of mentions) {
        const at = rest.indexOf(`@${m.name}`);
        if (at >= 0 && (!first || at < first.at)) {
          first = { at, m };
        }
      }
      if (!first) {
        content.push({ type: "text", text: rest });
        break;
      }
      if (first.at > 0) {
        content.push({ type: "text", text: rest.slice(0, first.at) });
      }
      content.push({ type: "mention", attrs: { id: first.m.id, label: first.m.name } });
      rest = rest.slice(first.at + first.m.name.length + 1);
    }
    return content.length ? { type: "paragraph", content } : { type: "paragraph" };
  });
  return { type: "doc", content: paragraphs };
}

/** A rich message as elements: a paragraph per line, mentions as chips. */
function renderMessage(message) {
  const doc = typeof message === "string" ? { content: [{ content: [{ type: "text", text: message }] }] } : message;
  return (doc?.content || []).map((paragraph) =>
    el(
      "p",
      {},
      ...(paragraph.content || []).map((node) =>
        node.type === "mention"
          ? el("span", { class: "mention", textContent: `@${node.attrs?.label ?? node.attrs?.id}` })
          : document.createTextNode(node.text ?? ""),
      ),
    ),
  );
}

/** The message back as text and its mentions, for editing. */
function messageText(message) {
  const mentions = [];
  const text = (message?.content || [])
    .map((p) =>
      (p.content || [])
        .map((node) => {
          if (node.type === "mention") {
            mentions.push({ id: node.attrs.id, name: node.attrs.label });
            return `@${node.attrs.label}`;
          }
          return node.text ?? "";
        })
        .join(""),
    )
    .join("\n");
  return { text, mentions };
}

// ---- The composer, with @mention suggestions ----

/**
 * A text area that suggests workspace members after `@`: arrows move, Enter or Tab
 * chooses, Escape closes. Answers `{node, read(), clear(), set(text, mentions)}`.
 */
function composer({ members, placeholder, label, onSubmit }) {
  let mentions = [];
  const input = el("textarea", { class: "comment-input", rows: 2, placeholder, "aria-label": label });
  const list = el("ul", { class: "mention-list", role: "listbox", hidden: true, "aria-label": "Members to mention" });
  let options = [];
  let active = 0;
  const query = () => /(^|\s)@([^\s@]*)$/.exec(input.value.slice(0, input.selectionStart))?.[2] ?? null;
  const close = () => {
    list.hidden = true;
    options = [];
    input.removeAttribute("aria-activedescendant");
  };
  const choose = (member) => {
    const before = input.value.slice(0, input.selectionStart).replace(/@[^\s@]*$/, `@${member.name} `);
    input.value = before + input.value.slice(input.selectionStart);
    input.selectionStart = input.selectionEnd = before.length;
    if (!mentions.some((m) => m.id === member.id)) {
      mentions.push(member);
    }
    close();
    input.focus();
  };
  const show = async () => {
    const q = query();
    if (q === null) {
      close();
      return;
    }
    const all = await members();
    options = all.filter((m) => m.name.toLowerCase().includes(q.toLowerCase())).slice(0, 8);
    if (!options.length) {
      close();
      return;
    }
    active = Math.min(active, options.length - 1);
    list.replaceChildren(
      ...options.map((m, i) =>
        el(
          "li",
          {
            id: `mention-option-${m.id}`,
            role: "option",
            class: i === active ? "active" : "",
            "aria-selected": String(i === active),
            onmousedown: (event) => {
              event.preventDefault();
              choose(m);
            },
          },
          avatar(m.id, m.name),
          el("span", { textContent: m.name }),
          el("span", { class: "mention-email", textContent: m.email || "" }),
        ),
      ),
    );
    list.hidden = false;
    input.setAttribute("aria-activedescendant", `mention-option-${options[active].id}`);
  };
  input.addEventListener("input", () => {
    active = 0;
    show();
  });
  input.addEventListener("keydown", (event) => {
    if (!list.hidden && options.length) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        active = (active + (event.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
        show();
        return;
      }
      if (event.key === "Enter" || event.key === "Tab") {
        event.preventDefault();
        choose(options[active]);
        return;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        close();
        return;
      }
    }
    // Enter sends, Shift+Enter starts a new line.
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      onSubmit();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
  return {
    node: el("div", { class: "composer" }, input, list),
    input,
    read: () => ({ text: input.value.trim(), mentions: mentions.filter((m) => input.value.includes(`@${m.name}`)) }),
    clear: () => {
      input.value = "";
      mentions = [];
    },
    set: (text, chosen) => {
      input.value = text;
      mentions = [...chosen];
    },
  };
}

// ---- The panel ----

/**
 * Builds the comments panel of a row.
 * @param {object} options
 * @param {import("./api.js").Api} options.api
 * @param {number} options.tableId
 * @param {number} options.rowId
 * @param {{id: number}} options.me  the signed-in user
 * @param {function(): Promise<object[]>} options.members  the workspace's members `{id, name, email}`
 * @returns {{node: HTMLElement, refresh: function(): void}}
 */
export function rowActivity({ api, tableId, rowId, me, members }) {
  const heading = el("h3", { class: "activity-heading", id: `comments-heading-${rowId}`, textContent: "Comments" });
  const node = el("section", { class: "row-activity", id: "row-comments", "aria-labelledby": heading.id }, heading);

  // Comments, oldest first as in a conversation, the composer under them.
  const commentList = el("ol", { class: "comment-list", "aria-live": "polite" });
  const commentError = el("p", { class: "name-error", role: "alert", hidden: true });
  const send = composer({
    members,
    placeholder: "Comment, or @mention someone…",
    label: "New comment",
    onSubmit: () => post(),
  });
  node.append(commentList, commentError, send.node);

  async function post() {
    const { text, mentions } = send.read();
    if (!text) {
      return;
    }
    commentError.hidden = true;
    try {
      await api.post(`/row_comments/${tableId}/${rowId}/`, { message: toMessage(text, mentions) });
      send.clear();
      await loadComments();
    } catch (error) {
      commentError.textContent = `The comment was not sent: ${errorText(error)}`;
      commentError.hidden = false;
    }
  }

  function editComment(li, comment) {
    const { text, mentions } = messageText(comment.message);
    const box = composer({
      members,
      placeholder: "",
      label: "Edit the comment",
      onSubmit: async () => {
        const next = box.read();
        if (!next.text) {
          return;
        }
        try {
          await api.patch(`/row_comments/${tableId}/comment/${comment.id}/`, { message: toMessage(next.text, next.mentions) });
          await loadComments();
        } catch (error) {
          commentError.textContent = `The comment was not saved: ${errorText(error)}`;
          commentError.hidden = false;
        }
      },
    });
    box.set(text, mentions);
    li.querySelector(".comment-body").replaceChildren(box.node);
    box.input.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        loadComments();
      }
    });
    box.input.focus();
  }

  function renderComment(comment) {
    const name = comment.first_name || "Someone";
    const own = comment.user_id === me.id;
    const li = el(
      "li",
      { class: "comment", "data-comment-id": String(comment.id) },
      avatar(comment.user_id, name),
      el(
        "div",
        { class: "comment-main" },
        el(
          "div",
          { class: "comment-head" },
          el("strong", { textContent: name }),
          el("time", { dateTime: comment.created_on, textContent: when(comment.created_on), title: new Date(comment.created_on).toLocaleString() }),
          comment.edited ? el("span", { class: "comment-edited", textContent: "(edited)" }) : null,
        ),
        el("div", { class: "comment-body" }, ...renderMessage(comment.message)),
      ),
    );
    if (own) {
      const actions = el(
        "div",
        { class: "comment-actions" },
        el("button", { type: "button", class: "link-button", textContent: "Edit", onclick: () => editComment(li, comment) }),
        el("button", {
          type: "button",
          class: "link-button",
          textContent: "Delete",
          onclick: async () => {
            try {
              await api.delete(`/row_comments/${tableId}/comment/${comment.id}/`);
              await loadComments();
            } catch (error) {
              commentError.textContent = `The comment was not deleted: ${errorText(error)}`;
              commentError.hidden = false;
            }
          },
        }),
      );
      li.querySelector(".comment-main").append(actions);
    }
    return li;
  }

  async function loadComments() {
    try {
      const page = await api.get(`/row_comments/${tableId}/${rowId}/`, { query: { limit: PAGE } });
      // Deleted comments stay listed by the API (as Baserow's): they are not shown.
      const comments = (page.results || []).filter((c) => !c.trashed).sort((a, b) => a.id - b.id);
      commentList.replaceChildren(
        ...(comments.length ? comments.map(renderComment) : [el("li", { class: "activity-empty", textContent: "No comments yet." })]),
      );
      heading.textContent = comments.length ? `Comments (${comments.length})` : "Comments";
    } catch (error) {
      commentList.replaceChildren(el("li", { class: "activity-empty", textContent: `Comments could not be read: ${errorText(error)}` }));
    }
  }

  loadComments();
  return { node, refresh: loadComments };
}

/**
 * The `activity` option of the expanded row for a table page: the comments of the row, with
 * the workspace's members (read once, when first needed) for mentions.
 */
export function activityFor({ api, tableId, databaseId, me }) {
  let members = null;
  const loadMembers = () => {
    members ??= (async () => {
      const database = await api.get(`/applications/${databaseId}/`);
      const workspaces = await api.get("/workspaces/");
      const workspace = workspaces.find((w) => w.id === database.workspace.id);
      return (workspace?.users || [])
        .map((u) => ({ id: u.user_id ?? u.id, name: u.name, email: u.email }))
        .filter((u) => u.id !== me.id);
    })().catch(() => {
      members = null;
      return [];
    });
    return members;
  };
  return (row) => rowActivity({ api, tableId, rowId: row.id, me, members: loadMembers });
}

/** Hands a realtime event to the open expanded row's comments, when it concerns them. */
export function activityEvent(event) {
  const dialog = document.getElementById("row-dialog");
  const activity = dialog?.open ? dialog.activity : null;
  if (activity && event.type?.startsWith("row_comment") && event.row_comment?.row_id === Number(dialog.dataset.rowId)) {
    activity.refresh();
  }
}
