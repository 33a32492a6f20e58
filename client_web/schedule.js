// The group's schedule: the next session and pinned changes in the room, the member's
// reminder, and the facilitators' schedule editor. Also the REST calls of routine.
//
// Owns: `routineApi` (fetch wrappers), `ScheduleStrip` (above the messages: next session,
// a cancelled or moved session pinned until it has passed, "Remind me"), and
// `ScheduleEditor` (facilitator screen: weekly sessions in an IANA time zone; move or
// cancel one session). A reminder is a notification on this device, content-free like
// every notification: no room, program or session name.

import { h, clear, formMessage, formDialog } from "./view.js";
import * as notify from "./notify.js";
import { api } from "./api.js";

// The routine calls, under the names this module and checkin.js use.
export const routineApi = {
  checkIn: api.checkIn,
  mine: api.myCheckins,
  overview: api.checkinOverview,
  quiet: api.quiet,
  schedule: api.schedule,
  setSchedule: api.setSchedule,
  change: api.changeSession,
  reminder: api.setReminder,
  sobriety: api.sobriety,
  setSobriety: api.setSobriety,
  milestones: api.milestones,
  shareMilestones: api.shareMilestones,
};

const REMINDERS = [["", "No reminder"], ["15", "15 min before"], ["30", "30 min before"],
  ["60", "1 hour before"], ["120", "2 hours before"], ["1440", "1 day before"]];
export const WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

function inZone(iso, tz, opts) {
  try {
    return new Date(iso).toLocaleString(undefined, { ...opts, timeZone: tz });
  } catch {
    return new Date(iso).toLocaleString(undefined, opts);
  }
}

/** "Tue, Mar 16, 6:00 PM – 7:30 PM EDT" in the room's time zone. */
export function sessionText(o, tz) {
  const start = inZone(o.start, tz, { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
  const end = inZone(o.end, tz, { hour: "numeric", minute: "2-digit", timeZoneName: "short" });
  return `${start} – ${end}`;
}

let ids = 0;

/** Above the messages: what is next, what changed, and the member's reminder. */
export class ScheduleStrip {
  constructor({ store }) {
    this.store = store;
    this.roomId = null;
    this.timer = null;
    this.seenCard = 0;
    this.next = h("p", { class: "next-session" });
    this.pins = h("ul", { class: "schedule-pins", attrs: { "aria-label": "Schedule changes" } });
    const rid = `remind-${++ids}`;
    this.remind = h("select", { id: rid, name: "reminder", on: { change: () => this.setReminder() } },
      REMINDERS.map(([v, label]) => h("option", { value: v, text: label })));
    this.remindWrap = h("span", { class: "remind" },
      h("label", { htmlFor: rid, class: "visually-hidden", text: "Session reminder" }), this.remind);
    this.el = h("div", { class: "schedule-strip", hidden: true, attrs: { role: "region", "aria-label": "Next session" } },
      h("div", { class: "schedule-row" }, this.next, this.remindWrap), this.pins);
    this.onStore = (e) => {
      const d = e.detail || {};
      if (d.room !== undefined && d.room !== this.roomId) return;
      // A schedule change arrives as a card in the room: show it pinned at once.
      const latest = this.store.ordered(this.roomId).filter((m) => m.card && m.card.kind === "schedule_change");
      const top = latest.length ? latest[latest.length - 1].seq : 0;
      if (top > this.seenCard) {
        this.seenCard = top;
        this.load();
      }
    };
  }

  mount(roomId) {
    this.roomId = roomId;
    this.seenCard = 0;
    this.store.addEventListener("change", this.onStore);
    this.load();
  }

  unmount() {
    this.store.removeEventListener("change", this.onStore);
    clearTimeout(this.timer);
    this.roomId = null;
  }

  async load() {
    const roomId = this.roomId;
    if (roomId == null) return;
    let data;
    try {
      data = await routineApi.schedule(roomId);
    } catch {
      return; // the room still works without its schedule
    }
    if (roomId !== this.roomId) return;
    this.render(data);
  }

  render(data) {
    const tz = data.time_zone;
    this.el.hidden = !data.sessions.length && !data.changes.length;
    this.next.textContent = data.next
      ? `Next session: ${sessionText(data.next, tz)}${data.next.place ? ` · ${data.next.place}` : ""}`
      : "No upcoming session";
    clear(this.pins);
    for (const c of data.changes) {
      const at = inZone(c.occurrence, tz, { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
      const text = c.kind === "cancelled"
        ? `Cancelled: ${at}`
        : `Moved: ${at} → ${inZone(c.new_start, tz, { weekday: "short", month: "short", day: "numeric", hour: "numeric", minute: "2-digit" })}`;
      this.pins.append(h("li", { class: ["pin", c.kind] }, h("strong", { text }), c.note ? ` · ${c.note}` : ""));
    }
    this.remind.value = data.reminder.minutes_before == null ? "" : String(data.reminder.minutes_before);
    this.arm(data.reminder.next_at);
  }

  async setReminder() {
    const value = this.remind.value;
    try {
      const { reminder } = await routineApi.reminder(this.roomId, value ? Number(value) : null);
      this.arm(reminder.next_at);
    } catch {
      this.load();
      return;
    }
    // The choice is saved; showing it on this device needs notifications on.
    if (value && notify.supported() && !notify.enabled()) await notify.enable();
  }

  /** Show the reminder on this device when it is due (content-free). */
  arm(nextAt) {
    clearTimeout(this.timer);
    if (!nextAt) return;
    const wait = Date.parse(nextAt) - Date.now();
    if (wait < 0 || wait > 2 ** 31 - 1) return;
    this.timer = setTimeout(() => {
      notify.reminder();
      this.load();
    }, wait);
  }
}

// ---- facilitators ------------------------------------------------------------------------

function zones() {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return ["UTC"];
  }
}

/** Weekly sessions and one-off changes, for the room's facilitators. */
export class ScheduleEditor {
  constructor() {
    this.roomId = null;
    this.msg = formMessage();
    const n = ++ids;
    this.zoneList = h("datalist", { id: `zones-${n}` }, zones().map((z) => h("option", { value: z })));
    this.zone = h("input", { type: "text", id: `zone-${n}`, name: "time_zone",
      attrs: { list: `zones-${n}`, autocomplete: "off", spellcheck: "false" } });
    this.rows = h("ul", { class: "session-rows" });
    this.upcoming = h("ul", { class: "upcoming-list" });
    this.el = h("form", { class: "schedule-editor", on: { submit: (e) => { e.preventDefault(); this.save(); } } },
      h("div", { class: "field" }, h("label", { htmlFor: `zone-${n}`, text: "Time zone" }), this.zone, this.zoneList),
      h("fieldset", {}, h("legend", { text: "Weekly sessions" }), this.rows,
        h("button", { type: "button", class: "button small", text: "Add a session",
          on: { click: () => this.addRow({ weekday: "tuesday", time: "18:00", duration_minutes: 90, place: "" }) } })),
      this.msg.el,
      h("button", { type: "submit", class: "button", text: "Save schedule" }),
      h("h3", { text: "Coming up" }),
      this.upcoming);
  }

  addRow(s) {
    const n = ++ids;
    const day = h("select", { id: `wd-${n}`, name: "weekday" },
      WEEKDAYS.map((d) => h("option", { value: d, text: d[0].toUpperCase() + d.slice(1) })));
    day.value = s.weekday;
    const time = h("input", { type: "time", id: `tm-${n}`, name: "time", value: s.time, required: true });
    const dur = h("input", { type: "number", id: `du-${n}`, name: "duration_minutes",
      value: String(s.duration_minutes), attrs: { min: "15", max: "480", step: "5" } });
    const place = h("input", { type: "text", id: `pl-${n}`, name: "place", value: s.place,
      attrs: { maxlength: "300" } });
    const row = h("li", { class: "session-row" },
      h("label", { htmlFor: `wd-${n}`, text: "Day" }), day,
      h("label", { htmlFor: `tm-${n}`, text: "Starts" }), time,
      h("label", { htmlFor: `du-${n}`, text: "Minutes" }), dur,
      h("label", { htmlFor: `pl-${n}`, text: "Place or video link" }), place,
      h("button", { type: "button", class: "button small quiet", text: "Remove",
        on: { click: () => row.remove() } }));
    row.values = () => ({ weekday: day.value, time: time.value.slice(0, 5),
      duration_minutes: Number(dur.value), place: place.value.trim() });
    this.rows.append(row);
  }

  async load(roomId) {
    this.roomId = roomId;
    this.msg.clear();
    if (roomId == null) return;
    try {
      const data = await routineApi.schedule(roomId);
      if (roomId !== this.roomId) return;
      this.render(data);
    } catch (err) {
      this.msg.error(err.message);
    }
  }

  render(data) {
    this.zone.value = data.time_zone || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
    clear(this.rows);
    for (const s of data.sessions) this.addRow(s);
    clear(this.upcoming);
    if (!data.upcoming.length) this.upcoming.append(h("li", { class: "hint", text: "No sessions scheduled." }));
    for (const o of data.upcoming) {
      const label = sessionText(o, data.time_zone);
      this.upcoming.append(h("li", {},
        h("span", { text: o.cancelled ? `${label} (cancelled)` : o.moved ? `${label} (moved)` : label }),
        o.cancelled || o.moved ? null : h("span", { class: "item-actions" },
          h("button", { type: "button", class: "button small", text: "Cancel this one",
            attrs: { "aria-label": `Cancel this one (${label})` },
            on: { click: () => this.changeOne(o, "cancelled", label) } }),
          h("button", { type: "button", class: "button small", text: "Move",
            attrs: { "aria-label": `Move (${label})` },
            on: { click: () => this.changeOne(o, "moved", label) } }))));
    }
  }

  async save() {
    this.msg.clear();
    const sessions = [...this.rows.children].map((r) => r.values());
    try {
      const data = await routineApi.setSchedule(this.roomId, { time_zone: this.zone.value.trim(), sessions });
      this.render(data);
      this.msg.ok("Schedule saved.");
    } catch (err) {
      this.msg.error(err.message);
    }
  }

  async changeOne(o, kind, label) {
    const fields = [{ name: "note", label: "A note for the group (optional)", kind: "text", maxlength: 300 }];
    if (kind === "moved") {
      fields.unshift({ name: "new_start", label: "New start (your local time, e.g. 2027-03-17 18:00)",
        kind: "text", required: true });
    }
    const done = await formDialog({
      title: kind === "cancelled" ? "Cancel this session?" : "Move this session",
      text: label, fields, confirm: kind === "cancelled" ? "Cancel the session" : "Move it",
      onSubmit: async (v) => {
        const body = { occurrence: o.original_start, kind, note: v.note || "" };
        if (kind === "moved") {
          const at = new Date(v.new_start.replace(" ", "T"));
          if (Number.isNaN(at.getTime())) throw new Error("Please write the new start as 2027-03-17 18:00.");
          body.new_start = at.toISOString();
        }
        await routineApi.change(this.roomId, body);
      },
    });
    if (done) await this.load(this.roomId);
  }
}
