// The daily check-in: one screen, a few taps; the member's own 30 days; the cards a
// room shows; and, for facilitators, who checked in today and who has gone quiet.
//
// Owns: the check-in dialog (mood, craving, on plan, an optional line, shared with the
// group or facilitators only), the member's progress view (chart, streak, milestones
// consent), `cardNode()` for cards in the message list, and `RoutineOverview` for the
// facilitator screen. User content goes in through text nodes only (view.js `h`).

import { h, clear, openDialog, wireDialogCloseButtons, formMessage } from "./view.js";
import { trendChart } from "./charts.js";
import { routineApi } from "./schedule.js";

export const MOODS = Object.freeze([
  [1, "😞", "Very low"],
  [2, "🙁", "Low"],
  [3, "😐", "Okay"],
  [4, "🙂", "Good"],
  [5, "😄", "Very good"],
]);

let ids = 0;

function radios(name, legend, options, checked) {
  const inputs = [];
  const fs = h("fieldset", { class: ["choice-row", name] },
    h("legend", { text: legend }),
    options.map(([value, emoji, label]) => {
      const id = `${name}-${value}-${++ids}`;
      const input = h("input", { type: "radio", id, name, value: String(value),
        checked: String(value) === String(checked) });
      inputs.push(input);
      return h("label", { htmlFor: id, class: "choice" }, input,
        emoji ? h("span", { class: "choice-emoji", text: emoji, attrs: { "aria-hidden": "true" } }) : null,
        h("span", { class: "choice-label", text: label }));
    }));
  const value = () => {
    const on = inputs.find((i) => i.checked);
    return on ? on.value : null;
  };
  return { el: fs, value, first: inputs[0] };
}

function streakText(p) {
  if (p.streak > 1) return `${p.streak} days in a row. Showing up matters.`;
  if (p.streak === 1) return "Checked in. Every day you show up counts.";
  if (p.days_checked_in) return `${p.days_checked_in} check-ins in the last 30 days. Welcome back.`;
  return "Your first check-in starts here.";
}

/** The member's own 30 days: streak, chart, and milestone consent for this room. */
function progressView(room, mine, milestones) {
  const bits = [
    h("p", { class: "streak", text: streakText(mine) }),
    trendChart(mine.series, { title: "Your mood and craving, last 30 days" }),
  ];
  if (milestones) bits.push(milestoneControls(room, milestones));
  return h("div", { class: "progress" }, bits);
}

/** Sobriety date (private) and consent to celebrate milestones in this room. */
function milestoneControls(room, m) {
  const msg = formMessage();
  const id = `sober-${++ids}`;
  const date = h("input", { type: "date", id, name: "since", value: m.since || "",
    attrs: { max: new Date().toISOString().slice(0, 10) } });
  const shareId = `share-${++ids}`;
  const share = h("input", { type: "checkbox", id: shareId, name: "share", checked: m.shared });
  const save = h("button", { type: "button", class: "button small", text: "Save",
    on: { click: async () => {
      msg.clear();
      try {
        await routineApi.setSobriety(date.value || null);
        const shown = await routineApi.shareMilestones(room, share.checked);
        msg.ok(shown.next ? `Saved. Next milestone: ${shown.next.label} on ${shown.next.day}.` : "Saved.");
      } catch (err) {
        msg.error(err.message);
      }
    } } });
  return h("details", { class: "milestones" },
    h("summary", { text: "Milestones" }),
    h("p", { class: "hint", text: "Your date stays private. Nobody sees it, not even facilitators. "
      + "If you choose, the group sees a celebration on your milestone days (1, 7, 30, 60, 90 days, "
      + "6 months, every year), never the date itself." }),
    h("div", { class: "field" }, h("label", { htmlFor: id, text: "My sobriety date (optional)" }), date),
    h("div", { class: "check" }, share,
      h("label", { htmlFor: shareId, text: "Celebrate my milestones in this room" })),
    save, msg.el);
}

/**
 * Open the check-in. If today's is done, it shows progress instead.
 * @param {{room:number, onHelp:(resources:object) => void}} opts
 */
export async function openCheckin({ room, onHelp }) {
  const dialog = h("dialog", { class: "dialog checkin-dialog", data: { temporary: "1" },
    attrs: { "aria-labelledby": `checkin-title-${++ids}` } });
  const titleId = dialog.getAttribute("aria-labelledby");
  const body = h("div", { class: "checkin-body" }, h("p", { class: "hint", text: "Loading…" }));
  dialog.append(h("h2", { id: titleId, text: "Daily check-in" }), body);
  document.body.appendChild(dialog);
  wireDialogCloseButtons(dialog);
  openDialog(dialog);
  const closeRow = () => h("div", { class: "dialog-buttons" },
    h("button", { type: "button", class: "button primary", text: "Close", data: { close: "" } }));

  const showProgress = async (lead) => {
    const [mine, ms] = await Promise.all([routineApi.mine(room), routineApi.milestones(room)]);
    clear(body);
    body.append(...lead, progressView(room, mine, ms), closeRow());
  };

  let mine;
  try {
    mine = await routineApi.mine(room);
  } catch (err) {
    clear(body);
    body.append(h("p", { class: "form-message error", text: err.message }), closeRow());
    return;
  }
  if (mine.checked_in_today) {
    await showProgress([h("p", { class: "done-today", text: "You’ve checked in today. Thank you." })]);
    return;
  }

  const mood = radios("mood", "How is your mood?", MOODS, null);
  const cravingId = `craving-${++ids}`;
  const cravingOut = h("output", { class: "craving-value", attrs: { for: cravingId }, text: "0" });
  const craving = h("input", { type: "range", id: cravingId, name: "craving", value: "0",
    attrs: { min: "0", max: "10", step: "1", "aria-valuetext": "0 of 10" },
    on: { input: () => {
      cravingOut.textContent = craving.value;
      craving.setAttribute("aria-valuetext", `${craving.value} of 10`);
    } } });
  const plan = radios("on_plan", "Stayed on my recovery plan today?",
    [["yes", null, "Yes"], ["no", null, "Not today"]], "yes");
  const noteId = `note-${++ids}`;
  const note = h("input", { type: "text", id: noteId, name: "note",
    attrs: { maxlength: "500", autocomplete: "off", enterkeyhint: "done" } });
  const share = radios("shared", "Who sees it?",
    [["group", null, "My group"], ["staff", null, "Facilitators only"]], "group");
  const msg = formMessage();
  const submit = h("button", { type: "submit", class: "button primary", text: "Check in" });
  const form = h("form", { class: "checkin-form", on: { submit: async (e) => {
    e.preventDefault();
    msg.clear();
    if (!mood.value()) {
      msg.error("Pick how your mood is (1 to 5).");
      mood.first.focus();
      return;
    }
    submit.disabled = true;
    try {
      const done = await routineApi.checkIn(room, {
        mood: Number(mood.value()), craving: Number(craving.value), on_plan: plan.value() === "yes",
        note: note.value.trim(), shared: share.value() === "group",
      });
      if (done.crisis_help) onHelp(done.crisis_help);
      const lead = [h("p", { class: "done-today", attrs: { role: "status" },
        text: done.checkin.shared ? "Checked in and shared with your group." : "Checked in. Only your facilitators see this one." })];
      if (done.kept_private) lead.push(h("p", { class: "hint", text: done.kept_private }));
      await showProgress(lead);
    } catch (err) {
      msg.error(err.message);
      submit.disabled = false;
    }
  } } },
  mood.el,
  h("div", { class: "field craving-field" },
    h("label", { htmlFor: cravingId }, "Craving right now (0 none, 10 overwhelming): ", cravingOut),
    craving),
  plan.el,
  h("div", { class: "field" }, h("label", { htmlFor: noteId, text: "A line about today (optional)" }), note),
  share.el,
  msg.el,
  h("div", { class: "dialog-buttons" },
    h("button", { type: "button", class: "button quiet", text: "Not now", data: { close: "" } }),
    submit));
  // The member's own history, without having to check in first.
  const mine30 = h("details", { class: "my-days", on: { toggle: async () => {
    if (!mine30.open || mine30.dataset.loaded) return;
    mine30.dataset.loaded = "1";
    try {
      mine30.append(progressView(room, mine, await routineApi.milestones(room)));
    } catch (err) {
      mine30.append(h("p", { class: "form-message error", text: err.message }));
    }
  } } }, h("summary", { text: "My last 30 days and milestones" }));
  clear(body);
  body.append(form, mine30);
  mood.first.focus();
}

// ---- cards in the room ------------------------------------------------------------------

function when(iso, tz) {
  const opts = { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit",
    timeZoneName: "short" };
  try {
    return new Date(iso).toLocaleString(undefined, tz ? { ...opts, timeZone: tz } : opts);
  } catch {
    return new Date(iso).toLocaleString(undefined, opts);
  }
}

/** The body of a card message: a shared check-in, a milestone, a schedule change. */
export function cardNode(m, own) {
  const c = m.card;
  const who = own ? "You" : m.author.name;
  if (c.kind === "checkin") {
    const [, emoji, label] = MOODS.find(([v]) => v === c.mood) || [0, "", ""];
    return h("div", { class: "card checkin-card" },
      h("p", { class: "card-title", text: `${who} checked in` }),
      h("ul", { class: "card-facts" },
        h("li", {}, h("span", { text: emoji, attrs: { "aria-hidden": "true" } }), ` Mood ${c.mood}/5 · ${label}`),
        h("li", { text: `Craving ${c.craving}/10` }),
        h("li", { text: c.on_plan ? "On plan today" : "Not on plan today" })),
      m.text ? h("p", { class: "text", text: m.text }) : null);
  }
  if (c.kind === "milestone") {
    return h("div", { class: "card milestone-card" },
      h("p", { class: "card-title" }, h("span", { text: "🎉 ", attrs: { "aria-hidden": "true" } }),
        `${who} ${own ? "are" : "is"} celebrating ${c.label}`),
      h("p", { class: "hint", text: "Send some love with a reaction." }));
  }
  if (c.kind === "schedule_change") {
    const title = c.change === "cancelled"
      ? `Session cancelled: ${when(c.occurrence, c.time_zone)}`
      : `Session moved: ${when(c.occurrence, c.time_zone)} → ${when(c.new_start, c.time_zone)}`;
    return h("div", { class: "card schedule-card" },
      h("p", { class: "card-title", text: title }),
      m.text ? h("p", { class: "text", text: m.text }) : null);
  }
  return h("p", { class: "text", text: m.text || "" });
}

// ---- for facilitators -----------------------------------------------------------------

const QUIET_CHOICES = [1, 2, 3, 5, 7, 14];

/** Who checked in today, each member's 30 days, and who has gone quiet (staff only). */
export class RoutineOverview {
  constructor() {
    this.roomId = null;
    this.msg = formMessage();
    this.list = h("ul", { class: "overview-list" });
    const qid = `quiet-days-${++ids}`;
    this.quietDays = h("select", { id: qid, name: "quiet_days",
      on: { change: () => this.loadQuiet() } },
    QUIET_CHOICES.map((d) => h("option", { value: String(d), text: d === 1 ? "1 day" : `${d} days` })));
    this.quietDays.value = "3";
    this.quietList = h("ul", { class: "quiet-list" });
    this.el = h("div", { class: "routine-overview" },
      h("h3", { text: "Checked in today" }),
      this.msg.el,
      this.list,
      h("h3", { text: "Gone quiet" }),
      h("div", { class: "inline-form" },
        h("label", { htmlFor: qid, text: "No post or check-in for at least" }), this.quietDays),
      h("p", { class: "hint", text: "A gentle prompt to reach out. Only facilitators see this." }),
      this.quietList);
  }

  async load(roomId) {
    this.roomId = roomId;
    this.msg.clear();
    if (roomId == null) return;
    try {
      const data = await routineApi.overview(roomId);
      if (roomId !== this.roomId) return;
      clear(this.list);
      if (!data.members.length) this.list.append(h("li", { class: "hint", text: "No members yet." }));
      for (const m of data.members) {
        const c = m.checkin;
        this.list.append(h("li", { class: ["overview-item", c ? "done" : "not-yet"] },
          h("div", { class: "overview-head" },
            h("span", { class: "person-name", text: m.user.name }),
            h("span", { class: "overview-status",
              text: c ? `Checked in · mood ${c.mood}/5 · craving ${c.craving}/10${c.shared ? "" : " · facilitators only"}`
                : "Not checked in yet today" })),
          c && c.note ? h("p", { class: "text", text: c.note }) : null,
          trendChart(m.series, { title: `${m.user.name}: mood and craving, last 30 days`, small: true })));
      }
    } catch (err) {
      this.msg.error(err.message);
    }
    await this.loadQuiet();
  }

  async loadQuiet() {
    const roomId = this.roomId;
    if (roomId == null) return;
    try {
      const data = await routineApi.quiet(roomId, Number(this.quietDays.value));
      if (roomId !== this.roomId) return;
      clear(this.quietList);
      if (!data.members.length) {
        this.quietList.append(h("li", { class: "hint", text: "Nobody has gone quiet that long." }));
      }
      for (const m of data.members) {
        this.quietList.append(h("li", {},
          h("span", { class: "person-name", text: m.user.name }),
          h("span", { class: "hint", text: ` · quiet for ${m.quiet_days} day${m.quiet_days === 1 ? "" : "s"}` })));
      }
    } catch (err) {
      this.msg.error(err.message);
    }
  }
}
