// The facilitator panel: alerts, the hold queue, reports, room settings, the audit log.
//
// Owns: rendering what facilitation.js holds (keyed, so live alerts do not steal focus),
// and the room settings of one facilitated room at a time (lock, slow mode, the group
// agreement, the moderation policy) and its audit log. Everything a member wrote goes in
// as text (view.js `h`). Actions go through facilitation.js or the socket; errors from
// the server are shown next to what was tried.

import { h, clear, reconcile, formDialog, formMessage, checkbox } from "./view.js";
import { LABELS, POLICY_ACTIONS } from "./protocol.js";
import { api } from "./api.js";
import * as sound from "./sound.js";
import { RoutineOverview } from "./checkin.js";
import { ScheduleEditor } from "./schedule.js";

export const LABEL_NAMES = Object.freeze({
  crisis: "Crisis",
  relapse_risk: "Relapse risk",
  contact_info: "Contact details",
  substance_acquisition: "Getting substances",
  harassment: "Harassment",
});

const ACTION_NAMES = Object.freeze({
  deliver: "Deliver",
  deliver_and_alert: "Deliver and alert facilitators",
  hold: "Hold for review",
  block: "Block",
});

// What each audit code means to a counselor; the code itself stays beside it, for
// whoever reads the log with an auditor. Codes not named here are shown as they are.
const AUDIT_NAMES = Object.freeze({
  "moderate.remove": "Removed a message",
  "moderate.mute": "Muted a member",
  "moderate.unmute": "Lifted a mute",
  "moderate.remove_member": "Removed a member from the room",
  "moderate.suspend": "Suspended an account",
  "moderate.unsuspend": "Lifted a suspension",
  "moderate.lock": "Made the room read-only",
  "moderate.unlock": "Opened the room again",
  "moderate.slow_mode": "Changed slow mode",
  "moderate.approve": "Approved a held message",
  "moderate.reject": "Declined a held message",
  "moderate.acknowledge_alert": "Acknowledged an alert",
  "moderate.handle_report": "Handled a report",
  "alert.raise": "Alert raised",
  "report.open": "A member reported a message",
  "message.read_original": "Read a removed message",
  "agreement.version": "Published a new group agreement",
  "agreement.accept": "Accepted the group agreement",
  "policy.change": "Changed the moderation policy",
  "checkins.view": "Viewed members’ check-ins",
  "quiet.view": "Viewed who has gone quiet",
  "milestones.share": "Changed milestone sharing",
  "schedule.set": "Set the session schedule",
  "schedule.change": "Moved or cancelled a session",
  "cohort.create": "Created the cohort",
  "cohort.close": "Ended the cohort",
  "cohort.grace_period": "Changed the read-only time after discharge",
  "invite.create": "Created an invite",
  "discharge.access_ended": "Read-only access ended",
  "retention.change": "Changed how long messages are kept",
  "legal_hold.place": "Placed a legal hold",
  "legal_hold.release": "Released a legal hold",
  "break_glass.open": "Opened the room under break-glass",
  "break_glass.end": "Break-glass access ended",
  "alumni.join": "Joined the room",
  "alumni.leave": "Left the room",
  "alumni.invite": "Invited an alum",
  "alumni.moderator.appoint": "Appointed an alumni moderator",
  "alumni.moderator.remove": "Removed an alumni moderator",
});

const SLOW_MODES = [[0, "Off"], [10, "10 seconds"], [30, "30 seconds"], [120, "2 minutes"]];

const labelName = (l) => LABEL_NAMES[l] || l;

function when(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today
    ? d.toLocaleTimeString(undefined, { hour: "numeric", minute: "2-digit" })
    : d.toLocaleString(undefined, { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
}

function timeEl(iso) {
  return h("time", { dateTime: iso, text: when(iso), attrs: { title: new Date(iso).toLocaleString() } });
}

function alertTitle(a) {
  const who = a.subject.name;
  switch (a.kind) {
    case "help": return `${who} asked for help now`;
    case "held": return `${who}: a message is waiting for review`;
    case "blocked": return `${who}: a message was blocked`;
    case "checkin": return a.urgent ? `${who} may be in crisis (check-in)` : `${who}: a check-in to read`;
    default: return a.urgent ? `${who} may be in crisis` : `${who}: a message was flagged`;
  }
}

function chips(labels) {
  if (!labels || !labels.length) return null;
  return h("ul", { class: "label-chips", attrs: { "aria-label": "Labels" } },
    labels.map((l) => h("li", { class: ["label-chip", l === "crisis" && "crisis"], text: labelName(l) })));
}

/** What the reported message said (its start), so a report can be weighed from here. */
function reportedEl(r) {
  if (r.excerpt) return h("blockquote", { class: ["held-text", "report-excerpt"], text: r.excerpt });
  if (r.excerpt === "") return null; // a card with no words of its own
  if (r.removed) return h("p", { class: "hint", text: "Removed by a facilitator (its original is one click away, in the room)." });
  if (r.author) return h("p", { class: "hint", text: "Its author has deleted it." });
  return h("p", { class: "hint", text: "The message is no longer kept." });
}

let panelIds = 0;

export class FacilitatorPanel {
  /**
   * @param {{facilitation: import("./facilitation.js").Facilitation,
   *   store: import("./store.js").Store, socket: import("./socket.js").Socket,
   *   profile: object}} deps
   */
  constructor({ facilitation, store, socket, profile }) {
    this.f = facilitation;
    this.store = store;
    this.socket = socket;
    this.profile = profile;
    this.root = null;
    this.roomId = null;
    this.alertNodes = new Map();
    this.heldNodes = new Map();
    this.reportNodes = new Map();
    this.names = new Map(); // user id -> name, for the audit log
    this.onChange = () => this.renderLists();
    this.onStore = (e) => {
      const d = e.detail || {};
      if (d.rooms) this.renderRoomPick();
      if (d.rooms || (d.roomState && d.room === this.roomId)) this.renderRoomState();
    };
  }

  mount(container, roomId) {
    this.unmount();
    const rooms = this.f.rooms();
    this.roomId = rooms.some((r) => r.id === roomId) ? roomId : (rooms[0] ? rooms[0].id : null);
    this.alertNodes.clear();
    this.heldNodes.clear();
    this.reportNodes.clear();
    this.build();
    clear(container);
    container.appendChild(this.root);
    this.f.addEventListener("change", this.onChange);
    this.store.addEventListener("change", this.onStore);
    this.renderLists();
    this.selectRoom(this.roomId);
    // The queues stay live from `alert`, `report` and `hold` frames; this catches up.
    this.f.load();
  }

  unmount() {
    this.f.removeEventListener("change", this.onChange);
    this.store.removeEventListener("change", this.onStore);
    this.root = null;
  }

  // ---- building ------------------------------------------------------------------

  section(id, title, ...body) {
    const titleEl = h("h2", { id: `${id}-title`, tabIndex: -1 }, title);
    return [h("section", { class: ["panel-section", id], attrs: { "aria-labelledby": `${id}-title` } },
      titleEl, ...body), titleEl];
  }

  build() {
    const n = ++panelIds;
    const soundBox = checkbox({ label: "Play a sound for urgent alerts", name: `sound-${n}`,
      checked: sound.soundOn(), hint: "A short beep on this device. The badge and this list show every alert either way." });
    soundBox.input.addEventListener("change", () => {
      sound.setSound(soundBox.input.checked);
      if (soundBox.input.checked) sound.urgentBeep();
    });

    this.alertCount = h("span", { class: "count-badge" });
    this.alertList = h("ul", { class: "alert-list" });
    this.alertMsg = formMessage();
    let alertsTitle;
    [this.alertsSection, alertsTitle] = this.section("alerts", ["Open alerts ", this.alertCount],
      h("p", { class: "hint", text: "Urgent alerts come first. An alert stays here until someone acknowledges it." }),
      this.alertMsg.el, this.alertList);
    this.alertsTitle = alertsTitle;

    this.heldCount = h("span", { class: "count-badge" });
    this.heldList = h("ul", { class: "held-list" });
    this.heldMsg = formMessage();
    let heldTitle;
    [this.heldSection, heldTitle] = this.section("holds", ["Waiting for review ", this.heldCount],
      h("p", { class: "hint", text: "Only the author sees these until you approve them. Approved messages keep their original time." }),
      this.heldMsg.el, this.heldList);
    this.heldTitle = heldTitle;

    this.reportCount = h("span", { class: "count-badge" });
    this.reportList = h("ul", { class: "report-list" });
    this.reportMsg = formMessage();
    let reportsTitle;
    [this.reportsSection, reportsTitle] = this.section("reports", ["Reports from members ", this.reportCount],
      this.reportMsg.el, this.reportList);
    this.reportsTitle = reportsTitle;

    this.buildRoomSettings(n);
    this.buildAudit();
    this.overview = new RoutineOverview();
    this.scheduleEditor = new ScheduleEditor();
    [this.routineSection] = this.section("routine", "Check-ins and schedule",
      h("p", { class: "hint", text: "For the room chosen under Room settings." }),
      this.overview.el,
      h("h3", { text: "Schedule" }),
      this.scheduleEditor.el);

    this.root = h("div", { class: "panel", attrs: { "aria-labelledby": "panel-title" } },
      h("div", { class: "panel-head" },
        h("div", {},
          h("h1", { id: "panel-title", text: "Facilitator tools" }),
          h("p", { class: "lead", text: "For the rooms you facilitate. Members never see this page." })),
        soundBox.wrap),
      this.alertsSection,
      h("div", { class: "panel-grid" }, this.heldSection, this.reportsSection),
      this.settingsSection,
      this.routineSection,
      this.auditSection,
    );
  }

  buildRoomSettings(n) {
    const pickId = `panel-room-${n}`;
    this.roomPick = h("select", { id: pickId, name: "room",
      on: { change: () => this.selectRoom(Number(this.roomPick.value)) } });
    this.roomPickField = h("div", { class: "field room-pick" },
      h("label", { htmlFor: pickId, text: "Room" }), this.roomPick);
    this.roomPickWrap = h("div", {});
    this.roomPickSig = null;
    this.renderRoomPick();
    this.roomStateText = h("p", { class: "room-state-text", attrs: { role: "status" } });
    this.lockButton = h("button", { type: "button", class: "button", on: { click: () => this.toggleLock() } });
    const slowId = `panel-slow-${n}`;
    this.slowPick = h("select", { id: slowId, name: "slow_mode" },
      SLOW_MODES.map(([s, label]) => h("option", { value: String(s), text: label })));
    this.settingsMsg = formMessage();
    const slowForm = h("form", { class: "inline-form", on: { submit: (e) => { e.preventDefault(); this.setSlowMode(); } } },
      h("label", { htmlFor: slowId, text: "Slow mode" }),
      this.slowPick,
      h("button", { type: "submit", class: "button", text: "Set slow mode" }));

    this.policyMsg = formMessage();
    this.policySelects = {};
    const policyRows = LABELS.map((label) => {
      const id = `policy-${label}-${n}`;
      const actions = label === "crisis" ? ["deliver_and_alert"] : POLICY_ACTIONS;
      const select = h("select", { id, name: label },
        actions.map((a) => h("option", { value: a, text: ACTION_NAMES[a] })));
      this.policySelects[label] = select;
      return h("div", { class: "policy-row" },
        h("label", { htmlFor: id, text: LABEL_NAMES[label] }),
        select,
        label === "crisis"
          ? h("p", { class: "hint", text: "A crisis is always shared, and facilitators are alerted at once." })
          : null);
    });
    this.policyForm = h("form", { class: "policy-form", on: { submit: (e) => { e.preventDefault(); this.savePolicy(); } } },
      h("fieldset", {},
        h("legend", { text: "Moderation policy" }),
        h("p", { class: "hint", text: "What happens to a message that touches each part of the group agreement." }),
        policyRows),
      this.policyMsg.el,
      h("button", { type: "submit", class: "button", text: "Save policy" }));

    const [section] = this.section("room-settings", "Room settings",
      this.roomPickWrap,
      this.roomStateText,
      h("div", { class: "settings-row" },
        this.lockButton,
        h("button", { type: "button", class: "button", text: "Edit the group agreement",
          on: { click: () => this.editAgreement() } })),
      slowForm,
      this.settingsMsg.el,
      this.policyForm);
    this.settingsSection = section;
  }

  buildAudit() {
    this.auditBody = h("tbody");
    this.auditMsg = formMessage();
    this.auditTable = h("table", { class: "audit" },
      h("caption", { class: "visually-hidden", text: "Audit log, newest first" }),
      h("thead", {}, h("tr", {},
        ["Time", "Actor", "Action", "Subject", "Reason"].map((c) => h("th", { text: c, attrs: { scope: "col" } })))),
      this.auditBody);
    const [section] = this.section("audit", "Audit log",
      h("p", { class: "hint", text: "Every moderation action, alert and report in this room: who, what, to whom, when and why. Never the message itself." }),
      h("button", { type: "button", class: "button small", text: "Refresh the log", on: { click: () => this.loadAudit() } }),
      this.auditMsg.el,
      h("div", { class: "table-wrap", tabIndex: 0, attrs: { role: "region", "aria-label": "Audit log" } }, this.auditTable));
    this.auditSection = section;
  }

  // ---- lists ---------------------------------------------------------------------

  renderLists() {
    if (!this.root) return;
    // An item can leave a list live (someone else acted on it): keep the keyboard nearby.
    const lists = [[this.alertList, this.alertsTitle], [this.heldList, this.heldTitle],
      [this.reportList, this.reportsTitle]];
    const active = document.activeElement;
    const focused = lists.find(([list]) => list.contains(active));
    const index = focused ? [...focused[0].children].indexOf(active.closest("li")) : -1;
    this.renderItems();
    if (focused && !active.isConnected) this.focusAfter(focused[0], index, focused[1]);
  }

  renderItems() {
    const alerts = this.f.openAlerts();
    this.alertCount.textContent = `(${alerts.length})`;
    reconcile(this.alertList, this.alertNodes, alerts.length
      ? alerts.map((a) => ({ key: `a-${a.id}`, sig: JSON.stringify(a), build: () => this.alertEl(a) }))
      : [{ key: "none", sig: this.f.loaded ? "loaded" : "loading",
        build: () => h("li", { class: "hint empty", text: this.f.loaded ? "No open alerts." : "Loading alerts…" }) }]);

    const held = this.f.heldMessages();
    this.heldCount.textContent = `(${held.length})`;
    reconcile(this.heldList, this.heldNodes, held.length
      ? held.map((x) => ({ key: `h-${x.id}`, sig: JSON.stringify(x), build: () => this.heldEl(x) }))
      : [{ key: "none", sig: "", build: () => h("li", { class: "hint empty", text: "Nothing is waiting." }) }]);

    const reports = this.f.openReports();
    this.reportCount.textContent = `(${reports.length})`;
    reconcile(this.reportList, this.reportNodes, reports.length
      ? reports.map((r) => ({ key: `r-${r.id}`, sig: JSON.stringify(r), build: () => this.reportEl(r) }))
      : [{ key: "none", sig: "", build: () => h("li", { class: "hint empty", text: "No open reports." }) }]);
    if (this.f.error) this.alertMsg.error(`Couldn’t load everything: ${this.f.error}`);
  }

  alertEl(a) {
    const titleId = `alert-${a.id}-title`;
    const evidence = (a.evidence || []).filter((e) => e.phrase || e.rule);
    return h("li", { class: ["alert-item", a.urgent && "urgent"], data: { alert: a.id },
      attrs: { "aria-labelledby": titleId } },
    h("div", { class: "alert-head" },
      a.urgent ? h("span", { class: "urgent-tag", text: "Urgent" }) : null,
      h("h3", { id: titleId, text: alertTitle(a) })),
    h("p", { class: "alert-meta" },
      h("span", { text: this.f.roomName(a.room) }), " · ", timeEl(a.created_at)),
    chips(a.labels),
    evidence.length
      ? h("ul", { class: "evidence", attrs: { "aria-label": "Why it was flagged" } },
        evidence.map((e) => h("li", {},
          h("span", { class: "phrase", text: `“${e.phrase}”` }), " ",
          h("span", { class: "rule", text: `(${labelName(e.label)}: ${e.rule})` }))))
      : null,
    h("div", { class: "item-actions" },
      a.message != null
        ? h("a", { class: "button small", href: `#/room/${a.room}/m/${a.message}`, text: "Go to message" })
        : null,
      a.held != null
        ? h("button", { type: "button", class: "button small", text: "See in the hold queue",
          on: { click: () => this.showHeld(a.held) } })
        : null,
      h("button", { type: "button", class: ["button", "small", a.urgent ? "primary" : null],
        data: { action: "ack" }, text: "Acknowledge",
        attrs: { "aria-describedby": titleId },
        on: { click: (e) => this.acknowledge(a, e.currentTarget) } })));
  }

  heldEl(x) {
    const titleId = `held-${x.id}-title`;
    return h("li", { class: "held-item", data: { held: x.id }, attrs: { "aria-labelledby": titleId } },
      h("h3", { id: titleId, text: `${x.author.name} in ${this.f.roomName(x.room)}` }),
      h("p", { class: "alert-meta" }, "Written ", timeEl(x.sent_at)),
      h("blockquote", { class: "held-text", text: x.text }),
      chips(x.labels),
      h("div", { class: "item-actions" },
        h("button", { type: "button", class: "button small primary", text: "Approve", data: { action: "approve" },
          attrs: { "aria-describedby": titleId }, on: { click: (e) => this.approve(x, e.currentTarget) } }),
        h("button", { type: "button", class: "button small", text: "Reject", data: { action: "reject" },
          attrs: { "aria-describedby": titleId }, on: { click: () => this.reject(x) } })));
  }

  reportEl(r) {
    const titleId = `report-${r.id}-title`;
    return h("li", { class: "report-item", data: { report: r.id }, attrs: { "aria-labelledby": titleId } },
      h("h3", { id: titleId, text: `${r.reporter.name} reported a message${r.author ? ` by ${r.author.name}` : ""}`
        + ` in ${this.f.roomName(r.room)}` }),
      h("p", { class: "alert-meta" }, timeEl(r.created_at), " · ",
        h("span", { class: ["state", r.state], text: r.state === "open" ? "Open" : "Acknowledged" })),
      reportedEl(r),
      r.reason ? h("p", {}, "Reason: ", h("span", { class: "reason", text: r.reason })) : h("p", { class: "hint", text: "No reason given." }),
      r.note ? h("p", { class: "hint" }, "Your note: ", h("span", { text: r.note })) : null,
      h("div", { class: "item-actions" },
        h("a", { class: "button small", href: `#/room/${r.room}/m/${r.message}`, text: "Go to message" }),
        r.state === "open"
          ? h("button", { type: "button", class: "button small", text: "Acknowledge", data: { action: "ack" },
            attrs: { "aria-describedby": titleId }, on: { click: () => this.handleReport(r, "acknowledged") } })
          : null,
        h("button", { type: "button", class: "button small", text: "Resolve", data: { action: "resolve" },
          attrs: { "aria-describedby": titleId }, on: { click: () => this.handleReport(r, "resolved") } })));
  }

  /** After an item leaves a list, keep the keyboard near where it was. */
  focusAfter(list, index, fallback) {
    const items = [...list.querySelectorAll(":scope > li:not(.empty)")];
    const next = items[Math.min(index, items.length - 1)];
    const target = next && next.querySelector("button");
    (target || fallback).focus();
  }

  async acknowledge(alert, button) {
    this.alertMsg.clear();
    const index = [...this.alertList.children].indexOf(button.closest("li"));
    button.disabled = true;
    try {
      await this.f.acknowledge(alert.id);
      this.alertMsg.ok(`Acknowledged: ${alertTitle(alert)}.`);
      this.focusAfter(this.alertList, index, this.alertsTitle);
    } catch (err) {
      button.disabled = false;
      this.alertMsg.error(`Couldn’t acknowledge: ${err.message}`);
    }
  }

  showHeld(heldId) {
    const li = this.heldList.querySelector(`li[data-held="${heldId}"]`);
    const target = li && li.querySelector("button");
    if (target) {
      li.scrollIntoView({ block: "center" });
      target.focus();
    } else {
      this.heldMsg.ok("That message has already been decided.");
      this.heldTitle.focus();
    }
  }

  async decide(x, approve, note = "") {
    this.heldMsg.clear();
    const li = this.heldList.querySelector(`li[data-held="${x.id}"]`);
    const index = [...this.heldList.children].indexOf(li);
    await this.f.decide(x, approve, note);
    this.heldMsg.ok(approve ? `Approved: ${x.author.name}’s message is now in the room.`
      : `Not shared. ${x.author.name} has been told${note ? ", with your note" : ""}.`);
    this.focusAfter(this.heldList, index, this.heldTitle);
  }

  async approve(x, button) {
    button.disabled = true;
    try {
      await this.decide(x, true);
    } catch (err) {
      button.disabled = false;
      this.heldMsg.error(`Couldn’t approve: ${err.message}`);
    }
  }

  async reject(x) {
    await formDialog({
      title: `Reject ${x.author.name}’s message?`,
      text: "It will not be shared. The author is told, with your note if you add one.",
      fields: [{ name: "note", label: "Note to the author (optional)", maxlength: 500,
        hint: "Kind and specific helps, e.g. which part of the agreement it touches." }],
      confirm: "Reject message",
      onSubmit: ({ note }) => this.decide(x, false, note),
    });
  }

  async handleReport(r, state) {
    this.reportMsg.clear();
    const done = await formDialog({
      title: state === "resolved" ? "Resolve this report?" : "Acknowledge this report?",
      text: `${r.reporter.name} will be told that a facilitator has ${state === "resolved" ? "handled" : "seen"} it.`,
      fields: [{ name: "note", label: `Note to ${r.reporter.name} (optional)`, maxlength: 500 }],
      confirm: state === "resolved" ? "Resolve" : "Acknowledge",
      onSubmit: ({ note }) => this.f.handleReport(r, state, note),
    });
    if (done) {
      this.reportMsg.ok(state === "resolved" ? "Report resolved." : "Report acknowledged.");
      if (!this.reportList.contains(document.activeElement)) this.reportsTitle.focus();
    }
  }

  // ---- room settings -----------------------------------------------------------------

  /** The room picker follows the rooms facilitated (a cohort created meanwhile joins it). */
  renderRoomPick() {
    const rooms = this.f.rooms();
    const sig = JSON.stringify(rooms.map((r) => [r.id, r.name]));
    if (sig === this.roomPickSig) return;
    this.roomPickSig = sig;
    clear(this.roomPick);
    for (const r of rooms) this.roomPick.appendChild(h("option", { value: String(r.id), text: r.name }));
    const many = rooms.length > 1;
    if (!many || !this.roomPickWrap.contains(this.roomPickField)) {
      clear(this.roomPickWrap);
      this.roomPickWrap.appendChild(many ? this.roomPickField
        : h("p", { class: "room-pick-one" }, "Room: ", h("strong", { text: rooms[0] ? rooms[0].name : "" })));
    }
    if (this.root && !rooms.some((r) => r.id === this.roomId)) {
      this.selectRoom(rooms[0] ? rooms[0].id : null);
    } else if (this.roomId != null) {
      this.roomPick.value = String(this.roomId);
    }
  }

  selectRoom(id) {
    this.roomId = id;
    if (this.roomPick && id != null) this.roomPick.value = String(id);
    this.renderRoomState();
    this.loadPolicy();
    this.loadAudit();
    // Room settings pick a room while the panel is still being built.
    if (this.overview) this.overview.load(id);
    if (this.scheduleEditor) this.scheduleEditor.load(id);
  }

  renderRoomState() {
    if (!this.root) return;
    const room = this.roomId != null ? this.store.room(this.roomId) : null;
    if (!room) {
      this.roomStateText.textContent = "You don’t facilitate a room yet.";
      this.lockButton.hidden = true;
      return;
    }
    const slow = room.slow_mode_seconds || 0;
    this.roomStateText.textContent = `${room.locked ? "Read-only: members can’t post." : "Open: members can post."} `
      + `Slow mode ${slow ? `on, one message every ${slow} s` : "off"}.`;
    this.lockButton.hidden = false;
    this.lockButton.textContent = room.locked ? "Unlock room" : "Lock room (read-only)";
    if (document.activeElement !== this.slowPick) {
      const known = SLOW_MODES.some(([s]) => s === slow);
      if (!known) this.slowPick.appendChild(h("option", { value: String(slow), text: `${slow} seconds` }));
      this.slowPick.value = String(slow);
    }
  }

  async toggleLock() {
    const room = this.store.room(this.roomId);
    if (!room) return;
    this.settingsMsg.clear();
    const locking = !room.locked;
    const done = await formDialog({
      title: locking ? `Lock ${room.name}?` : `Unlock ${room.name}?`,
      text: locking
        ? "Members can read but not post until you unlock it. Facilitators can still post."
        : "Members can post again.",
      fields: [{ name: "reason", label: locking ? "Reason" : "Reason (optional)", required: locking, maxlength: 500 }],
      confirm: locking ? "Lock room" : "Unlock room",
      danger: locking,
      onSubmit: ({ reason }) => this.socket.moderate(locking ? "lock" : "unlock", { room: room.id, reason }),
    });
    if (done) {
      this.store.setRoomState(room.id, { locked: locking });
      this.settingsMsg.ok(locking ? "The room is read-only now." : "The room is open again.");
    }
  }

  async setSlowMode() {
    const room = this.store.room(this.roomId);
    if (!room) return;
    const seconds = Number(this.slowPick.value);
    this.settingsMsg.clear();
    try {
      await this.socket.moderate("slow_mode", { room: room.id, seconds });
      this.store.setRoomState(room.id, { slow_mode_seconds: seconds });
      this.settingsMsg.ok(seconds ? `Slow mode is on: one message every ${seconds} s.` : "Slow mode is off.");
    } catch (err) {
      this.settingsMsg.error(`Couldn’t change slow mode: ${err.message}`);
    }
  }

  async editAgreement() {
    const room = this.store.room(this.roomId);
    if (!room) return;
    this.settingsMsg.clear();
    let current;
    try {
      current = await api.agreement(room.id);
    } catch (err) {
      this.settingsMsg.error(`Couldn’t load the group agreement: ${err.message}`);
      return;
    }
    let published = null;
    const done = await formDialog({
      title: "Edit the group agreement",
      text: `Now at version ${current.version}. Publishing makes a new version: every member reads and accepts it before they post again.`,
      fields: [{ name: "text", label: "Group agreement", value: current.text, required: true, rows: 12 }],
      confirm: "Publish new version",
      onSubmit: async ({ text }) => {
        published = await api.setAgreement(room.id, text);
      },
    });
    if (done && published) this.settingsMsg.ok(`Published version ${published.version} of the group agreement.`);
  }

  async loadPolicy() {
    const roomId = this.roomId;
    if (roomId == null) return;
    this.policyMsg.clear();
    try {
      const { policy } = await api.policy(roomId);
      if (roomId !== this.roomId || !this.root) return;
      for (const [label, select] of Object.entries(this.policySelects)) {
        if (policy[label]) select.value = policy[label];
      }
    } catch (err) {
      this.policyMsg.error(`Couldn’t load the policy: ${err.message}`);
    }
  }

  async savePolicy() {
    const roomId = this.roomId;
    if (roomId == null) return;
    const mapping = {};
    for (const [label, select] of Object.entries(this.policySelects)) mapping[label] = select.value;
    this.policyMsg.clear();
    try {
      const { policy } = await api.setPolicy(roomId, mapping);
      for (const [label, select] of Object.entries(this.policySelects)) {
        if (policy[label]) select.value = policy[label];
      }
      this.policyMsg.ok("Policy saved.");
      this.loadAudit();
    } catch (err) {
      this.policyMsg.error(`Couldn’t save the policy: ${err.message}`);
    }
  }

  // ---- audit -------------------------------------------------------------------------

  async loadAudit() {
    const roomId = this.roomId;
    if (roomId == null || !this.root) return;
    this.auditMsg.clear();
    try {
      if (this.namesFor !== roomId) {
        try {
          const { members } = await api.members(roomId);
          for (const m of members) this.names.set(m.id, m.name);
          this.namesFor = roomId;
        } catch {
          // Names are a nicety; ids are shown without them.
        }
      }
      const { entries } = await api.audit(roomId);
      if (roomId !== this.roomId || !this.root) return;
      clear(this.auditBody);
      if (!entries.length) {
        this.auditBody.appendChild(h("tr", {}, h("td", { attrs: { colspan: "5" }, class: "hint", text: "Nothing logged yet." })));
      }
      for (const e of entries) {
        const actor = e.actor == null ? "Hearth" : `${this.names.get(e.actor) || "User"} (#${e.actor})`;
        let subject = "";
        if (e.subject_type) {
          const name = e.subject_type === "user" ? this.names.get(e.subject) : null;
          subject = name ? `${name} (user #${e.subject})` : `${e.subject_type} #${e.subject}`;
        }
        const detail = e.detail || {};
        const reason = [detail.reason, detail.note && `Note: ${detail.note}`].filter(Boolean).join(" · ");
        this.auditBody.appendChild(h("tr", {},
          h("td", {}, timeEl(e.at)),
          h("td", { text: actor }),
          h("td", {}, AUDIT_NAMES[e.action] ? `${AUDIT_NAMES[e.action]} ` : "",
            h("code", { text: e.action })),
          h("td", { text: subject }),
          h("td", { text: reason })));
      }
    } catch (err) {
      this.auditMsg.error(`Couldn’t load the audit log: ${err.message}`);
    }
  }
}
