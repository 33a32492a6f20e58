// Building the DOM, and the simple screens: login, enrolment, settings, staff, dialogs.
//
// Owns: `h()`, the only way this client makes elements. Text goes in through
// `textContent` / text nodes, never as HTML; attributes through `setAttribute` with an
// allowlist that refuses event handlers and inline style. No socket, no fetch: screens
// take callbacks.

import { REACTION_EMOJI } from "./protocol.js";

const FORBIDDEN_ATTR = /^(on|style$|srcdoc$|formaction$)/i;
// The element properties h() may set: none of them parses markup or code.
const PROPS = new Set([
  "id", "type", "name", "value", "checked", "disabled", "hidden", "required", "readOnly",
  "htmlFor", "rows", "tabIndex", "autofocus", "dateTime", "title", "placeholder",
]);

/**
 * Make an element.
 * @param {string} tag
 * @param {object} [props] class, text, attrs, data, on, and plain properties
 *   (id, type, value, checked, disabled, hidden, htmlFor, href, name, ...)
 * @param {...(Node|string|number|null|false|Array)} children strings become text nodes
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = Array.isArray(value) ? value.filter(Boolean).join(" ") : value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "attrs") {
      for (const [name, v] of Object.entries(value)) {
        if (FORBIDDEN_ATTR.test(name)) throw new Error(`refusing attribute ${name}`);
        if (v !== undefined && v !== null && v !== false) el.setAttribute(name, String(v));
      }
    } else if (key === "data") {
      for (const [name, v] of Object.entries(value)) if (v != null) el.dataset[name] = String(v);
    } else if (key === "on") {
      for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
    } else if (key === "href") {
      el.setAttribute("href", safeHref(value));
    } else if (PROPS.has(key)) {
      el[key] = value;
    } else {
      throw new Error(`refusing property ${key}`);
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Only links we make ourselves: same-origin paths, tel:, sms:, http(s) invite URLs. */
export function safeHref(value) {
  const s = String(value);
  if (/^(tel:|sms:)[0-9+()\-\s.]*$/i.test(s) || s.startsWith("/") || s.startsWith("#")) return s;
  try {
    const url = new URL(s);
    if (url.protocol === "https:" || url.protocol === "http:") return url.href;
  } catch {
    // fall through
  }
  return "#";
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
}

export function mount(container, ...nodes) {
  clear(container);
  append(container, nodes);
}

let fieldIds = 0;

/** A labelled input with an optional hint and an error slot. */
export function field({ label, name, type = "text", hint = null, autocomplete = null,
  required = true, value = "", minlength = null, maxlength = null }) {
  const id = `f-${name}-${++fieldIds}`;
  const hintId = hint ? `${id}-hint` : null;
  const input = h("input", {
    id, name, type, value, required,
    attrs: {
      autocomplete, minlength, maxlength,
      "aria-describedby": hintId,
      autocapitalize: type === "password" || name === "username" ? "none" : null,
      spellcheck: type === "password" || name === "username" ? "false" : null,
    },
  });
  const wrap = h("div", { class: "field" },
    h("label", { htmlFor: id, text: label }),
    hint ? h("p", { class: "hint", id: hintId, text: hint }) : null,
    input,
  );
  return { wrap, input };
}

export function checkbox({ label, name, checked = false, hint = null, required = false }) {
  const id = `c-${name}-${++fieldIds}`;
  const hintId = hint ? `${id}-hint` : null;
  const input = h("input", { id, name, type: "checkbox", checked, required,
    attrs: { "aria-describedby": hintId } });
  const wrap = h("div", { class: "check" },
    input,
    h("div", {},
      h("label", { htmlFor: id, text: label }),
      hint ? h("p", { class: "hint", id: hintId, text: hint }) : null,
    ),
  );
  return { wrap, input };
}

/** A polite message area for a form: errors and confirmations. */
export function formMessage() {
  const el = h("p", { class: "form-message", attrs: { role: "status", "aria-live": "polite" } });
  return {
    el,
    error(text) {
      el.className = "form-message error";
      el.textContent = text;
    },
    ok(text) {
      el.className = "form-message ok";
      el.textContent = text;
    },
    clear() {
      el.className = "form-message";
      el.textContent = "";
    },
  };
}

function busy(button, on, label) {
  button.disabled = on;
  if (label) button.textContent = label;
}

// ---- dialogs ------------------------------------------------------------------------

/**
 * A modal makes the rest of the page inert, its "I need help now" too: every dialog but
 * the help dialog itself carries one of its own, which closes the dialog (as Cancel
 * would) and opens help.
 */
function offerHelp(dialog) {
  const page = document.getElementById("help-button");
  if (!page || dialog.id === "help-dialog" || dialog.querySelector("[data-help]")) return;
  const help = h("button", { type: "button", class: "button quiet", text: "I need help now",
    data: { help: "" }, on: { click: () => { dialog.close(); page.click(); } } });
  const row = dialog.querySelector(".dialog-buttons");
  if (row) row.prepend(help);
  else dialog.append(h("div", { class: "dialog-buttons" }, help));
}

/** Open a modal <dialog>, returning focus to where it was when it closes. */
export function openDialog(dialog) {
  const opener = document.activeElement;
  const onClose = () => {
    dialog.removeEventListener("close", onClose);
    if (opener && typeof opener.focus === "function" && document.contains(opener)) opener.focus();
    if (dialog.dataset.temporary) dialog.remove();
  };
  dialog.addEventListener("close", onClose);
  offerHelp(dialog);
  if (!dialog.open) dialog.showModal();
  const first = dialog.querySelector("[autofocus]") || dialog.querySelector("h2");
  if (first) {
    if (!first.hasAttribute("tabindex") && first.tagName === "H2") first.setAttribute("tabindex", "-1");
    first.focus();
  }
}

export function wireDialogCloseButtons(dialog) {
  dialog.addEventListener("click", (e) => {
    if (e.target.closest("[data-close]")) dialog.close();
  });
}

let dialogIds = 0;

function temporaryDialog(title, ...body) {
  const id = `dlg-${++dialogIds}`;
  const dialog = h("dialog", { class: "dialog", attrs: { "aria-labelledby": `${id}-title` },
    data: { temporary: "1" } },
  h("h2", { id: `${id}-title`, text: title }), ...body);
  document.body.appendChild(dialog);
  return dialog;
}

/** Ask a yes/no question; resolves true when confirmed. */
export function confirmDialog({ title, text, confirm, cancel = "Cancel" }) {
  return new Promise((resolve) => {
    let answer = false;
    const yes = h("button", { type: "button", class: "button danger", text: confirm,
      on: { click: () => { answer = true; dialog.close(); } } });
    const no = h("button", { type: "button", class: "button quiet", text: cancel, autofocus: true,
      on: { click: () => dialog.close() } });
    const dialog = temporaryDialog(title, h("p", { text }), h("div", { class: "dialog-buttons" }, no, yes));
    dialog.addEventListener("close", () => resolve(answer));
    openDialog(dialog);
  });
}

/**
 * A small form in a dialog: a question, a few fields (reason, duration...), Cancel and a
 * confirm button. `onSubmit(values)` does the work; if it throws, its message shows in the
 * dialog and the person can try again. Resolves true once done, false when cancelled
 * (Cancel, Escape).
 * @param {{title:string, text?:string, fields?:Array<{name:string, label:string,
 *   kind?:"textarea"|"select"|"text", options?:Array<{value:string,label:string}>,
 *   value?:string, required?:boolean, hint?:string, maxlength?:number}>,
 *   confirm:string, danger?:boolean, onSubmit:(values:object) => Promise<void>}} opts
 */
export function formDialog({ title, text = null, fields = [], confirm, danger = false, onSubmit }) {
  return new Promise((resolve) => {
    let done = false;
    const msg = formMessage();
    const inputs = {};
    const rows = fields.map((f, i) => {
      const id = `fd-${f.name}-${++fieldIds}`;
      const hintId = f.hint ? `${id}-hint` : null;
      let input;
      const attrs = { "aria-describedby": hintId, maxlength: f.maxlength ?? null };
      if (f.kind === "select") {
        input = h("select", { id, name: f.name, attrs },
          (f.options || []).map((o) => h("option", { value: o.value, text: o.label })));
        if (f.value != null) input.value = f.value;
      } else if (f.kind === "text") {
        input = h("input", { id, name: f.name, type: "text", value: f.value || "", required: Boolean(f.required), attrs });
      } else {
        input = h("textarea", { id, name: f.name, rows: f.rows || 3, value: f.value || "",
          required: Boolean(f.required), attrs });
      }
      if (i === 0) input.autofocus = true;
      inputs[f.name] = input;
      return h("div", { class: "field" },
        h("label", { htmlFor: id, text: f.label }),
        f.hint ? h("p", { class: "hint", id: hintId, text: f.hint }) : null,
        input);
    });
    const submit = h("button", { type: "submit", class: ["button", danger ? "danger" : "primary"], text: confirm });
    const form = h("form", { class: "stack", on: { submit: async (e) => {
      e.preventDefault();
      msg.clear();
      const values = {};
      for (const f of fields) {
        values[f.name] = f.kind === "select" ? inputs[f.name].value : inputs[f.name].value.trim();
        if (f.required && !values[f.name]) {
          msg.error(`Please fill in “${f.label}”.`);
          inputs[f.name].focus();
          return;
        }
      }
      busy(submit, true);
      try {
        await onSubmit(values);
        done = true;
        dialog.close();
      } catch (err) {
        msg.error(err.message || "Something went wrong. Please try again.");
        busy(submit, false);
      }
    } } },
    text ? h("p", { text }) : null,
    rows, msg.el,
    h("div", { class: "dialog-buttons" },
      h("button", { type: "button", class: "button quiet", text: "Cancel", data: { close: "" },
        autofocus: fields.length === 0 }),
      submit));
    const dialog = temporaryDialog(title, form);
    wireDialogCloseButtons(dialog);
    dialog.addEventListener("close", () => resolve(done));
    openDialog(dialog);
  });
}

/**
 * Pick one of a few actions; resolves with the chosen value, or null (Cancel, Escape).
 * @param {{title:string, text?:string, choices:Array<{value:string,label:string,
 *   hint?:string, danger?:boolean}>}} opts
 */
export function choiceDialog({ title, text = null, choices }) {
  return new Promise((resolve) => {
    let answer = null;
    const list = h("ul", { class: "choices" }, choices.map((c, i) => h("li", {},
      h("button", { type: "button", class: ["button", "choice", c.danger && "danger"], text: c.label,
        autofocus: i === 0,
        on: { click: () => { answer = c.value; dialog.close(); } } }),
      c.hint ? h("span", { class: "hint", text: c.hint }) : null)));
    const dialog = temporaryDialog(title, text ? h("p", { text }) : null, list,
      h("div", { class: "dialog-buttons" },
        h("button", { type: "button", class: "button quiet", text: "Cancel", data: { close: "" } })));
    wireDialogCloseButtons(dialog);
    dialog.addEventListener("close", () => resolve(answer));
    openDialog(dialog);
  });
}

/**
 * Keep `list`'s children in step with `items` ({key, sig, build}), rebuilding only the
 * items whose signature changed, so focus and scroll survive live updates.
 * @param {Element} list
 * @param {Map<string, {el: Element, sig: string}>} nodes held between calls
 */
export function reconcile(list, nodes, items) {
  const active = document.activeElement;
  const focusKey = active && list.contains(active) ? active.closest("[data-key]")?.dataset.key : null;
  const focusAction = active && active.dataset ? active.dataset.action : null;
  const keep = new Set();
  for (const item of items) {
    keep.add(item.key);
    const held = nodes.get(item.key);
    if (held && held.sig === item.sig) continue;
    const el = item.build();
    el.dataset.key = item.key;
    if (held && held.el.parentNode) held.el.replaceWith(el);
    nodes.set(item.key, { el, sig: item.sig });
  }
  let ref = list.firstChild;
  for (const item of items) {
    const el = nodes.get(item.key).el;
    if (el === ref) {
      ref = ref.nextSibling;
      continue;
    }
    list.insertBefore(el, ref);
  }
  while (ref) {
    const next = ref.nextSibling;
    list.removeChild(ref);
    ref = next;
  }
  for (const key of [...nodes.keys()]) if (!keep.has(key)) nodes.delete(key);
  if (focusKey && !document.contains(active) && nodes.has(focusKey)) {
    const el = nodes.get(focusKey).el;
    const target = (focusAction && el.querySelector(`[data-action="${focusAction}"]`)) || el.querySelector("button");
    if (target) target.focus({ preventScroll: true });
  }
}

/**
 * Show a room's group agreement and confidentiality notice; resolves true once accepted.
 * @param {{version:number, text:string, confidentiality_notice:string}} agreement
 * @param {(version:number) => Promise<void>} accept
 */
export function agreementDialog(agreement, accept) {
  return new Promise((resolve) => {
    let accepted = false;
    const agree = checkbox({ label: "I have read the group agreement and agree to it", name: "agree" });
    const conf = checkbox({ label: "I understand the confidentiality notice", name: "conf" });
    const msg = formMessage();
    const submit = h("button", { type: "submit", class: "button primary", text: "Accept and continue" });
    const form = h("form", { class: "stack", on: { submit: async (e) => {
      e.preventDefault();
      if (!agree.input.checked || !conf.input.checked) {
        msg.error("Please tick both boxes to continue.");
        return;
      }
      busy(submit, true);
      try {
        await accept(agreement.version);
        accepted = true;
        dialog.close();
      } catch (err) {
        msg.error(err.message);
        busy(submit, false);
      }
    } } },
    h("p", { text: "The group agreement has been updated. Please read it again before you post." }),
    agreementText(agreement.text, `Group agreement, version ${agreement.version}`),
    h("p", { class: "notice", text: agreement.confidentiality_notice || "" }),
    agree.wrap, conf.wrap, msg.el,
    h("div", { class: "dialog-buttons" },
      h("button", { type: "button", class: "button quiet", text: "Not now", data: { close: "" } }),
      submit),
    );
    const dialog = temporaryDialog("Our group agreement", form);
    wireDialogCloseButtons(dialog);
    dialog.addEventListener("close", () => resolve(accepted));
    openDialog(dialog);
  });
}

/** The group agreement, pinned to the room: read it any time, version shown. */
export function showAgreement(agreement) {
  const dialog = temporaryDialog(`Group agreement, version ${agreement.version}`,
    agreementText(agreement.text, "Group agreement"),
    h("p", { class: "notice", text: agreement.confidentiality_notice || "" }),
    h("div", { class: "dialog-buttons" },
      h("button", { type: "button", class: "button", text: "Close", autofocus: true, data: { close: "" } })));
  wireDialogCloseButtons(dialog);
  openDialog(dialog);
}

function agreementText(text, label) {
  return h("div", { class: "agreement", tabIndex: 0,
    attrs: { role: "region", "aria-label": label } }, text);
}

// ---- screens ------------------------------------------------------------------------

/** The login screen. `onLogin(username, password)` throws ApiError on failure. */
export function loginScreen({ onLogin, notice = null }) {
  const user = field({ label: "Username", name: "username", autocomplete: "username" });
  const pass = field({ label: "Password", name: "password", type: "password",
    autocomplete: "current-password" });
  const msg = formMessage();
  if (notice) msg.ok(notice);
  const submit = h("button", { type: "submit", class: "button primary", text: "Log in" });
  const form = h("form", { class: "stack", attrs: { "aria-labelledby": "login-title" },
    on: { submit: async (e) => {
      e.preventDefault();
      msg.clear();
      if (!user.input.value.trim() || !pass.input.value) {
        msg.error("Please enter your username and password.");
        return;
      }
      busy(submit, true, "Logging in…");
      try {
        await onLogin(user.input.value.trim(), pass.input.value);
      } catch (err) {
        msg.error(err.message);
        busy(submit, false, "Log in");
        pass.input.focus();
      }
    } } },
  user.wrap, pass.wrap, msg.el, submit);
  return h("section", { class: "card narrow" },
    h("h1", { id: "login-title", text: "Welcome back" }),
    h("p", { class: "lead", text: "Log in to your group." }),
    form,
    h("p", { class: "hint", text: "New here? Open the invite link your facilitator gave you." }),
  );
}

/**
 * The enrolment screen for an invite.
 * @param {{invite: object|null, error: string|null, onEnrol: Function}} opts
 */
export function enrolScreen({ invite, error, onEnrol }) {
  if (!invite) {
    return h("section", { class: "card narrow" },
      h("h1", { text: "This invite can’t be used" }),
      h("p", { class: "lead", text: error || "This invite link is used or expired." }),
      h("p", { text: "Please ask your facilitator for a new link. If you already joined, log in instead." }),
      h("a", { class: "button", href: "/", text: "Go to log in" }),
    );
  }
  const name = field({ label: "Display name", name: "name", autocomplete: "nickname",
    maxlength: 40, hint: "What the group will call you. A first name or any name you like; it does not have to be your real name." });
  const user = field({ label: "Username", name: "username", autocomplete: "username",
    maxlength: 64, hint: "For logging in. Only you see it. 3 or more letters, digits or . _ - @" });
  const pass = field({ label: "Password", name: "password", type: "password",
    autocomplete: "new-password", minlength: 8, maxlength: 128,
    hint: "At least 8 characters. A short phrase of your own works well." });
  const agree = checkbox({ label: "I have read the group agreement and agree to it", name: "agree", required: true });
  const conf = checkbox({ label: "I understand the confidentiality notice", name: "conf", required: true });
  const msg = formMessage();
  const submit = h("button", { type: "submit", class: "button primary", text: "Join the group" });
  const form = h("form", { class: "stack", attrs: { "aria-labelledby": "enrol-title" },
    on: { submit: async (e) => {
      e.preventDefault();
      msg.clear();
      if (!name.input.value.trim() || !user.input.value.trim() || !pass.input.value) {
        msg.error("Please fill in your display name, username and password.");
        return;
      }
      if (!agree.input.checked || !conf.input.checked) {
        msg.error("Please tick both boxes to show you have read the agreement and the notice.");
        return;
      }
      busy(submit, true, "Joining…");
      try {
        await onEnrol({
          name: name.input.value.trim(),
          username: user.input.value.trim(),
          password: pass.input.value,
          agreement_version: invite.agreement.version,
          accept_confidentiality: true,
        });
      } catch (err) {
        msg.error(err.message);
        busy(submit, false, "Join the group");
      }
    } } },
  h("fieldset", {},
    h("legend", { text: "About you" }),
    name.wrap, user.wrap, pass.wrap),
  h("fieldset", {},
    h("legend", { text: "Our group agreement" }),
    agreementText(invite.agreement.text, "Group agreement"),
    h("h2", { class: "subhead", text: "Confidentiality" }),
    h("p", { class: "notice", text: invite.confidentiality_notice }),
    agree.wrap, conf.wrap),
  msg.el, submit);
  return h("section", { class: "card" },
    h("h1", { id: "enrol-title", text: "Join your group" }),
    h("p", { class: "lead" }, "You’ve been invited to ", h("strong", { text: invite.cohort.name }), "."),
    form,
  );
}

/** The settings panel. */
export function settingsScreen({ profile, notifications, onPrivacy, onNotifications, onLogout, onBack }) {
  const msg = formMessage();
  const presence = checkbox({ label: "Hide when I’m online", name: "hide_presence",
    checked: profile.hide_presence,
    hint: "Others in your group won’t see you in the “online now” list." });
  const read = checkbox({ label: "Hide when I’ve read messages", name: "hide_read",
    checked: profile.hide_read,
    hint: "Others won’t be told how far you have read." });
  const notify = checkbox({ label: "Notify me about new messages on this device", name: "notify",
    checked: notifications.enabled,
    hint: notifications.supported
      ? "A notification only ever says “New message in Hearth”: never who wrote, what, or where."
      : "This browser does not support notifications." });
  notify.input.disabled = !notifications.supported;
  const privacyChanged = async () => {
    msg.clear();
    try {
      await onPrivacy({ hide_presence: presence.input.checked, hide_read: read.input.checked });
      msg.ok("Saved.");
    } catch (err) {
      msg.error(err.message);
    }
  };
  presence.input.addEventListener("change", privacyChanged);
  read.input.addEventListener("change", privacyChanged);
  notify.input.addEventListener("change", async () => {
    msg.clear();
    const wanted = notify.input.checked;
    const on = await onNotifications(wanted);
    notify.input.checked = on;
    if (wanted && !on) msg.error("Notifications are blocked for this site in your browser settings.");
    else msg.ok(on ? "Notifications are on." : "Notifications are off.");
  });
  return h("section", { class: "card narrow settings", attrs: { "aria-labelledby": "settings-title" } },
    h("h1", { id: "settings-title", text: "Settings" }),
    h("p", { class: "lead" }, "Signed in as ", h("strong", { text: profile.name }), "."),
    h("form", { class: "stack", on: { submit: (e) => e.preventDefault() } },
      h("fieldset", {}, h("legend", { text: "Privacy" }), presence.wrap, read.wrap),
      h("fieldset", {}, h("legend", { text: "Notifications" }), notify.wrap),
      msg.el),
    h("div", { class: "row" },
      h("button", { type: "button", class: "button", text: "Back to chat", on: { click: onBack } }),
      h("button", { type: "button", class: "button quiet", text: "Log out", on: { click: onLogout } })),
  );
}

/** Staff tools: create a cohort, issue invite links. */
export function staffScreen({ profile, cohorts, facilitators, onCreateCohort, onInvite, onBack,
  extra = null }) {
  const msg = formMessage();
  const name = field({ label: "Cohort name", name: "cohort_name", maxlength: 80 });
  const schedule = scheduleFields();
  const picks = profile.role === "admin"
    ? facilitators.map((f) => checkbox({ label: f.name, name: `fac-${f.id}` }))
    : [];
  const form = h("form", { class: "stack", on: { submit: async (e) => {
    e.preventDefault();
    msg.clear();
    const chosen = profile.role === "admin"
      ? facilitators.filter((_, i) => picks[i].input.checked).map((f) => f.id) : [];
    try {
      await onCreateCohort({ name: name.input.value.trim(), schedule: schedule.value(),
        facilitators: chosen });
    } catch (err) {
      msg.error(err.message);
    }
  } } },
  name.wrap, schedule.wrap,
  picks.length ? h("fieldset", {}, h("legend", { text: "Facilitators" }), picks.map((p) => p.wrap)) : null,
  msg.el,
  h("button", { type: "submit", class: "button primary", text: "Create cohort" }));

  const list = h("ul", { class: "cohorts" },
    cohorts.length ? null : h("li", { class: "hint", text: "No cohorts yet." }),
    cohorts.map((c) => cohortItem(c, onInvite)));

  return h("section", { class: "card staff", attrs: { "aria-labelledby": "staff-title" } },
    h("h1", { id: "staff-title", text: "Staff tools" }),
    h("h2", { text: "Your cohorts" }),
    list,
    h("h2", { text: "New cohort" }),
    form,
    extra,
    h("div", { class: "row" },
      h("button", { type: "button", class: "button", text: "Back to chat", on: { click: onBack } })),
  );
}

function cohortItem(cohort, onInvite) {
  const out = h("div", { class: "invite-out" });
  const msg = formMessage();
  const button = h("button", { type: "button", class: "button",
    text: "Create invite link",
    attrs: { "aria-label": `Create invite link for ${cohort.name}` },
    on: { click: async () => {
      msg.clear();
      try {
        const invite = await onInvite(cohort.id);
        const inputId = `invite-${cohort.id}`;
        const input = h("input", { id: inputId, type: "text", readOnly: true, value: invite.url,
          attrs: { "data-invite-url": "" } });
        const copy = h("button", { type: "button", class: "button", text: "Copy link",
          on: { click: async () => {
            try {
              await navigator.clipboard.writeText(invite.url);
              msg.ok("Link copied. It works once and expires " + new Date(invite.expires_at).toLocaleString() + ".");
            } catch {
              input.select();
              msg.ok("Press Ctrl+C (or ⌘C) to copy the selected link.");
            }
          } } });
        mount(out, h("label", { htmlFor: inputId, text: "Invite link (single use)" }),
          h("div", { class: "row" }, input, copy));
        input.focus();
        input.select();
      } catch (err) {
        msg.error(err.message);
      }
    } } });
  return h("li", { class: "cohort" },
    h("h3", { text: cohort.name }),
    cohort.schedule ? h("p", { class: "hint", text: scheduleSummary(cohort.schedule) }) : null,
    button, out, msg.el);
}

const DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];
const DAY_SHORT = { monday: "Mon", tuesday: "Tue", wednesday: "Wed", thursday: "Thu", friday: "Fri",
  saturday: "Sat", sunday: "Sun" };

/** "Tue, Thu 18:00 (America/Chicago)": a cohort's weekly sessions in a line. */
export function scheduleSummary(s) {
  if (!s.sessions.length) return `No weekly sessions yet (${s.time_zone})`;
  const byTime = new Map();
  for (const x of s.sessions) {
    const key = `${x.time}${x.place ? ` · ${x.place}` : ""}`;
    byTime.set(key, [...(byTime.get(key) || []), DAY_SHORT[x.weekday]]);
  }
  return [...byTime].map(([t, days]) => `${days.join(", ")} ${t}`).join("; ") + ` (${s.time_zone})`;
}

/** The weekly sessions of a new cohort: days, a start time, a length, a time zone. */
function scheduleFields() {
  const zone = field({ label: "Time zone", name: "time_zone", required: false,
    hint: "Where the group meets, e.g. America/Chicago" });
  zone.input.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  const days = DAYS.map((d) => checkbox({ label: d[0].toUpperCase() + d.slice(1), name: `day-${d}` }));
  const start = field({ label: "Starts at", name: "start", type: "time", required: false });
  start.input.value = "18:00";
  const minutes = field({ label: "Length in minutes", name: "minutes", type: "number", required: false });
  minutes.input.value = "180";
  const place = field({ label: "Place or video link (optional)", name: "place", required: false });
  const wrap = h("fieldset", { class: "schedule-fields" },
    h("legend", { text: "Weekly sessions (optional; facilitators can change them later)" }),
    h("div", { class: "day-picks" }, days.map((d) => d.wrap)),
    start.wrap, minutes.wrap, place.wrap, zone.wrap);
  const value = () => {
    const picked = DAYS.filter((_, i) => days[i].input.checked);
    if (!picked.length) return null;
    return { time_zone: zone.input.value.trim(), sessions: picked.map((weekday) => ({
      weekday, time: start.input.value.slice(0, 5), duration_minutes: Number(minutes.input.value),
      place: place.input.value.trim() })) };
  };
  return { wrap, value };
}

export function offlineScreen({ onRetry }) {
  return h("section", { class: "card narrow" },
    h("h1", { text: "We can’t reach Hearth right now" }),
    h("p", { class: "lead", text: "Check your connection. We’ll keep trying." }),
    h("button", { type: "button", class: "button primary", text: "Try again", on: { click: onRetry } }),
  );
}

export function reactionLabel(name) {
  return `${REACTION_EMOJI[name] || ""} ${name}`;
}
