// The alumni network: consent, alumni rooms, and what a discharged member sees.
//
// Owns: asking a discharged person for consent to the alumni network (and withdrawing it
// from Settings), the "Alumni network" screen (rooms to join and leave; for admins,
// creating rooms, inviting alumni and appointing alumni moderators), and the banner of a
// room that became read-only after discharge or because its cohort ended. Everything a
// person wrote goes in as text (view.js `h`); the server checks every permission.

import { h, clear, field, formMessage, openDialog, wireDialogCloseButtons } from "./view.js";
import { api } from "./api.js";

const CATEGORIES = [["program", "Program-wide"], ["year", "Graduation year"],
  ["interest", "Interest"], ["mentoring", "Mentoring (alumni and current clients)"]];
const categoryName = (v) => (CATEGORIES.find(([c]) => c === v) || [v, v])[1];

function day(iso) {
  return new Date(iso).toLocaleDateString(undefined, { weekday: "long", month: "long", day: "numeric" });
}

/** Why a room's composer is closed after discharge or a cohort's end (or null). */
export function readOnlyBanner(room) {
  if (room.closed) return "This group has ended. Its conversation stays here to read; nobody can post.";
  if (room.read_only_until) {
    return `You have moved on from this group. You can read it until ${day(room.read_only_until)}; posting is closed.`;
  }
  return null;
}

let ids = 0;
let asked = false; // the consent question, once per page load

/**
 * Ask about the alumni network. Resolves with the consent state after the answer, or
 * null if the dialog was closed without one (it is asked again next time).
 * @param {{version:number, text:string}} consent
 */
export function consentDialog(consent) {
  asked = true;
  return new Promise((resolve) => {
    const id = `consent-${++ids}`;
    let result = null;
    const msg = formMessage();
    const answer = async (yes, button) => {
      button.disabled = true;
      msg.clear();
      try {
        result = await api.setAlumniConsent(yes, consent.version);
        dialog.close();
      } catch (err) {
        msg.error(err.message);
        button.disabled = false;
      }
    };
    const join = h("button", { type: "button", class: "button primary", text: "Join the alumni network",
      on: { click: (e) => answer(true, e.currentTarget) } });
    const no = h("button", { type: "button", class: "button quiet", text: "No thanks",
      on: { click: (e) => answer(false, e.currentTarget) } });
    const dialog = h("dialog", { class: "dialog consent-dialog", data: { temporary: "1" },
      attrs: { "aria-labelledby": `${id}-title`, "aria-describedby": `${id}-text` } },
    h("h2", { id: `${id}-title`, text: "Stay connected after treatment?" }),
    h("p", { id: `${id}-text`, text: consent.text }),
    h("p", { class: "hint", text: "You can change your mind any time in Settings." }),
    msg.el,
    h("div", { class: "dialog-buttons" },
      h("button", { type: "button", class: "button quiet", text: "Ask me later", data: { close: "" } }),
      no, join));
    document.body.appendChild(dialog);
    wireDialogCloseButtons(dialog);
    dialog.addEventListener("close", () => resolve(result));
    openDialog(dialog);
  });
}

/** On sign-in: an alum who has not answered yet is asked (once per page load). */
export async function maybeAskConsent(profile) {
  if (asked || !profile || profile.role !== "alum") return;
  asked = true;
  try {
    const state = await api.alumniConsent();
    if (state.decision == null) await consentDialog(state);
  } catch {
    // Asked again on the next sign-in.
  }
}

/** The Settings section: whether I am in the alumni network, and changing that. */
export function consentSettings() {
  const msg = formMessage();
  const status = h("p", {});
  const button = h("button", { type: "button", class: "button" });
  const wrap = h("fieldset", { class: "alumni-consent" },
    h("legend", { text: "Alumni network" }), status, button, msg.el);
  let state = null;
  const render = () => {
    const joined = state.decision === "given";
    status.textContent = joined
      ? `You are in the alumni network (you agreed on ${new Date(state.decided_at).toLocaleDateString()}).`
      : "You are not in the alumni network.";
    button.textContent = joined ? "Withdraw my consent" : "Join the alumni network…";
  };
  button.addEventListener("click", async () => {
    msg.clear();
    if (state.decision === "given") {
      try {
        state = await api.setAlumniConsent(false, state.version);
        render();
        msg.ok("Withdrawn. You have left every alumni room.");
      } catch (err) {
        msg.error(err.message);
      }
    } else {
      const answered = await consentDialog(state);
      if (answered) {
        state = answered;
        render();
        if (state.decision === "given") msg.ok("Welcome to the alumni network.");
      }
    }
  });
  api.alumniConsent().then((s) => {
    state = s;
    render();
  }).catch((err) => msg.error(err.message));
  return wrap;
}

/**
 * The "Alumni network" screen.
 * @param {{profile: object, onOpen: (room:number) => void,
 *   store?: import("./store.js").Store, socket?: import("./socket.js").Socket}} opts
 */
export function alumniScreen({ profile, onOpen, store = null, socket = null }) {
  const msg = formMessage();
  const list = h("ul", { class: "alumni-rooms" });
  const intro = h("p", { class: "lead" });
  const admin = profile.role === "admin";
  const root = h("section", { class: "card alumni", attrs: { "aria-labelledby": "alumni-title" } },
    h("h1", { id: "alumni-title", text: "Alumni network" }),
    intro, msg.el, list,
    admin ? newRoomForm(() => load(), msg) : null);

  async function load(notice = null) {
    let rooms;
    let consent = null;
    try {
      rooms = (await api.alumniRooms()).rooms;
      if (profile.role === "alum") consent = await api.alumniConsent();
    } catch (err) {
      msg.error(err.message);
      return;
    }
    if (consent && consent.decision !== "given") {
      intro.textContent = "Alumni rooms are for people who have joined the alumni network. You can join it from Settings.";
    } else {
      intro.textContent = "Rooms for people who have finished treatment here, across cohorts. Staff are present; the tone is peer-led.";
    }
    const alumni = admin ? (await api.alumni()).alumni.filter((a) => a.consent === "given") : [];
    clear(list);
    if (!rooms.length) list.appendChild(h("li", { class: "hint", text: "No alumni rooms for you yet." }));
    for (const r of rooms) list.appendChild(roomItem(r, alumni));
    if (notice) msg.ok(notice);
  }

  function roomItem(r, alumni) {
    const titleId = `alumni-room-${r.id}`;
    const actions = h("div", { class: "item-actions" });
    const act = async (fn, done) => {
      msg.clear();
      try {
        await fn();
        await load(done);
      } catch (err) {
        msg.error(err.message);
      }
    };
    if (r.joined) {
      actions.append(...[
        h("button", { type: "button", class: "button small primary", text: "Open",
          attrs: { "aria-describedby": titleId }, on: { click: () => onOpen(r.id) } }),
        profile.role === "alum" || profile.role === "client"
          ? h("button", { type: "button", class: "button small", text: "Leave",
            attrs: { "aria-describedby": titleId },
            on: { click: () => act(() => api.leaveAlumniRoom(r.id), `You left ${r.name}. You can join again any time.`) } })
          : null].filter(Boolean));
    } else {
      actions.append(h("button", { type: "button", class: "button small primary", text: "Join",
        attrs: { "aria-describedby": titleId },
        on: { click: () => act(() => api.joinAlumniRoom(r.id), `You joined ${r.name}.`) } }));
    }
    let staffTools = null;
    if (admin && alumni.length) {
      const pickId = `invite-${r.id}`;
      const pick = h("select", { id: pickId, name: "alum" },
        alumni.map((a) => h("option", { value: String(a.id), text: a.name })));
      staffTools = h("div", { class: "inline-form" },
        h("label", { htmlFor: pickId, text: "Alum" }), pick,
        r.access === "invite"
          ? h("button", { type: "button", class: "button small", text: "Invite",
            on: { click: () => act(() => api.inviteToAlumniRoom(r.id, Number(pick.value)), "Invitation sent.") } })
          : null,
        h("button", { type: "button", class: "button small", text: "Make moderator",
          on: { click: () => act(() => api.setModerator(r.id, Number(pick.value), true),
            "Appointed: they can now remove messages, mute for a while, and handle reports and held messages here.") } }),
        h("button", { type: "button", class: "button small quiet", text: "Remove moderator",
          on: { click: () => act(() => api.setModerator(r.id, Number(pick.value), false), "No longer a moderator here.") } }));
    }
    const held = store && store.room(r.id);
    const moderating = Boolean(r.joined && held && held.moderator && socket);
    return h("li", { class: "alumni-room", data: { room: r.id } },
      h("h2", { id: titleId, text: r.name }),
      h("p", { class: "hint", text: `${categoryName(r.category)} · ${r.access === "open" ? "open to all alumni" : "by invitation"} · ${r.members} member${r.members === 1 ? "" : "s"}` }),
      r.description ? h("p", { text: r.description }) : null,
      r.invited && !r.joined ? h("p", { class: "state-chip", text: "You’re invited" }) : null,
      actions, staffTools,
      moderating ? moderationSection(r, socket) : null);
  }

  load();
  // Opened before the connection said which rooms the viewer moderates: look again then.
  if (store && !store.rooms.size) {
    const again = (e) => {
      if (!(e.detail && e.detail.rooms)) return;
      store.removeEventListener("change", again);
      if (root.isConnected) load();
    };
    store.addEventListener("change", again);
  }
  return root;
}

function newRoomForm(reload, msg) {
  const name = field({ label: "Room name", name: "alumni_name", maxlength: 80 });
  const description = field({ label: "What it is for (optional)", name: "alumni_description", required: false });
  const catId = `alumni-cat-${++ids}`;
  const category = h("select", { id: catId, name: "category" },
    CATEGORIES.map(([v, label]) => h("option", { value: v, text: label })));
  const accessId = `alumni-access-${ids}`;
  const access = h("select", { id: accessId, name: "access" },
    h("option", { value: "open", text: "All consenting alumni may join" }),
    h("option", { value: "invite", text: "By invitation" }));
  const contact = h("input", { id: `alumni-contact-${ids}`, type: "checkbox", name: "contact" });
  return h("form", { class: "stack", on: { submit: async (e) => {
    e.preventDefault();
    msg.clear();
    const body = { name: name.input.value.trim(), category: category.value, access: access.value };
    if (description.input.value.trim()) body.description = description.input.value.trim();
    if (contact.checked) body.policy = { contact_info: "deliver" };
    try {
      await api.createAlumniRoom(body);
      name.input.value = "";
      await reload();
      msg.ok(`Created ${body.name}.`);
    } catch (err) {
      msg.error(err.message);
    }
  } } },
  h("h2", { text: "New alumni room" }),
  name.wrap, description.wrap,
  h("div", { class: "field" }, h("label", { htmlFor: catId, text: "Kind" }), category),
  h("div", { class: "field" }, h("label", { htmlFor: accessId, text: "Who may join" }), access),
  h("div", { class: "check" }, contact,
    h("label", { htmlFor: contact.id, text: "Allow alumni to share contact details here" })),
  h("button", { type: "submit", class: "button primary", text: "Create alumni room" }));
}

/**
 * The room header's "Mute" toggle: the person silences a room for themselves (no
 * notifications from it, on every device). `update()` follows the current room.
 */
export function muteToggle(store, currentRoom, say) {
  const button = h("button", { type: "button", class: "button small mute-toggle",
    attrs: { "aria-pressed": "false" },
    on: { click: async () => {
      const room = currentRoom();
      if (!room) return;
      const muted = !room.notifications_muted;
      try {
        await api.muteRoom(room.id, muted);
        room.notifications_muted = muted;
        button.update();
        say(muted ? `${room.name} is muted: no notifications from it.` : `${room.name} is unmuted.`);
      } catch (err) {
        say(err.message);
      }
    } } }, "Mute room");
  button.update = () => {
    const room = currentRoom();
    button.hidden = !room;
    button.setAttribute("aria-pressed", String(Boolean(room && room.notifications_muted)));
  };
  return button;
}

/**
 * For an alumni moderator: the room's held messages and open reports, decided here
 * (the lighter actions; staff keep the facilitator tools).
 */
function moderationSection(room, socket) {
  const list = h("ul", { class: "held-list" });
  const msg = formMessage();
  const titleId = `moderation-${room.id}`;
  const act = async (action, fields, done) => {
    msg.clear();
    try {
      await socket.moderate(action, fields);
      await load();
      msg.ok(done);
    } catch (err) {
      msg.error(err.message);
    }
  };
  async function load() {
    let held;
    let reports;
    try {
      [{ held }, { reports }] = await Promise.all([api.held(room.id), api.reports()]);
    } catch (err) {
      msg.error(`Couldn’t load: ${err.message}`);
      return;
    }
    reports = reports.filter((r) => r.room === room.id);
    clear(list);
    for (const x of held) {
      list.appendChild(h("li", { class: "held-item", data: { held: x.id } },
        h("p", {}, h("strong", { text: x.author.name }), " wrote, waiting for review:"),
        h("blockquote", { class: "held-text", text: x.text }),
        h("div", { class: "item-actions" },
          h("button", { type: "button", class: "button small primary", text: "Approve",
            on: { click: () => act("approve", { held: x.id }, "Approved: it is in the room now.") } }),
          h("button", { type: "button", class: "button small", text: "Reject",
            on: { click: () => act("reject", { held: x.id }, "Not shared; the author has been told.") } }))));
    }
    for (const r of reports) {
      list.appendChild(h("li", { class: "report-item", data: { report: r.id } },
        h("p", {}, h("strong", { text: r.reporter.name }), ` reported a message${r.reason ? ": " : "."}`,
          r.reason ? h("span", { text: r.reason }) : null),
        h("div", { class: "item-actions" },
          h("a", { class: "button small", href: `#/room/${room.id}/m/${r.message}`, text: "Go to message" }),
          h("button", { type: "button", class: "button small", text: "Resolve",
            on: { click: () => act("handle_report", { report: r.id, state: "resolved" }, "Report resolved.") } }))));
    }
    if (!held.length && !reports.length) list.appendChild(h("li", { class: "hint", text: "Nothing is waiting." }));
  }
  load();
  return h("section", { class: "alumni-moderation", attrs: { "aria-labelledby": titleId } },
    h("h3", { id: titleId, text: `You moderate ${room.name}` }),
    h("p", { class: "hint", text: "Held messages and reports in this room. Staff see them too." }),
    msg.el, list,
    h("button", { type: "button", class: "button small quiet", text: "Refresh", on: { click: () => load() } }));
}

