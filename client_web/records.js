// Records, for admins on the staff screen: how long each cohort room keeps messages, and
// legal holds that stop the purge for a room.
//
// Owns: the "Records" section. Talks to /api/rooms/{room}/retention and /api/holds
// (admins only on the server). Hold reasons are shown as text (view.js `h`).

import { h, clear, formDialog, formMessage } from "./view.js";
import { api } from "./api.js";

/** @param {{cohorts: Array<{id:number, name:string, room:number}>}} opts */
export function recordsSection({ cohorts }) {
  const msg = formMessage();
  const holdList = h("ul", { class: "holds" });
  const rooms = new Map(cohorts.map((c) => [c.room, c.name]));

  async function loadHolds() {
    try {
      const { holds } = await api.holds();
      clear(holdList);
      if (!holds.length) holdList.append(h("li", { class: "hint", text: "No legal holds." }));
      for (const hold of holds) {
        const what = hold.room != null
          ? `Room “${rooms.get(hold.room) ?? hold.room}”`
          : `Member #${hold.user}`;
        const release = h("button", { type: "button", class: "button",
          text: "Release",
          attrs: { "aria-label": `Release the legal hold on ${what}` },
          on: { click: async () => {
            const done = await formDialog({
              title: "Release the legal hold",
              text: `${what}: messages past their retention will be purged again.`,
              fields: [{ name: "reason", label: "Reason", required: true, kind: "text", maxlength: 500 }],
              confirm: "Release hold",
              onSubmit: ({ reason }) => api.releaseHold(hold.id, reason),
            });
            if (done) {
              msg.ok("Legal hold released.");
              await refresh();
            }
          } } });
        holdList.append(h("li", { class: "hold" },
          h("span", { text: `${what} since ${new Date(hold.created_at).toLocaleDateString()}: ` }),
          h("span", { class: "hold-reason", text: hold.reason }),
          " ", release));
      }
    } catch (err) {
      msg.error(`Couldn’t load the legal holds: ${err.message}`);
    }
  }

  const items = cohorts.map((c) => {
    const status = h("p", { class: "hint", attrs: { "aria-live": "polite" } });
    const id = `retention-${c.room}`;
    const days = h("input", { id, name: "days", type: "number", required: false,
      attrs: { min: "1", max: "36500", inputmode: "numeric" } });
    const show = (r) => {
      days.value = r.days ?? "";
      days.placeholder = String(r.default_days);
      status.textContent = `Keeps messages ${r.effective_days} days`
        + (r.days == null ? " (program default)" : "")
        + (r.on_hold ? "; on legal hold: nothing is purged" : "");
    };
    api.retention(c.room).then(show, (err) => { status.textContent = err.message; });
    const form = h("form", { class: "inline-form", on: { submit: async (e) => {
      e.preventDefault();
      msg.clear();
      const value = days.value.trim();
      try {
        show(await api.setRetention(c.room, value === "" ? null : Number(value)));
        msg.ok(`Retention saved for “${c.name}”.`);
      } catch (err) {
        msg.error(err.message);
      }
    } } },
    h("label", { htmlFor: id, text: "Days to keep (empty: program default)" }),
    days,
    h("button", { type: "submit", class: "button", text: "Save",
      attrs: { "aria-label": `Save retention for ${c.name}` } }));
    const hold = h("button", { type: "button", class: "button", text: "Place legal hold",
      attrs: { "aria-label": `Place legal hold on ${c.name}` },
      on: { click: async () => {
        const done = await formDialog({
          title: `Legal hold on “${c.name}”`,
          text: "While the hold lasts, nothing in this room is purged. The reason is audited.",
          fields: [{ name: "reason", label: "Reason", required: true, kind: "text", maxlength: 500 }],
          confirm: "Place hold",
          onSubmit: ({ reason }) => api.placeHold({ room: c.room, reason }),
        });
        if (done) {
          msg.ok(`Legal hold placed on “${c.name}”.`);
          await refresh();
        }
      } } });
    return { room: c.room, show, el: h("li", { class: "cohort" },
      h("h3", { text: c.name }), status, form, hold) };
  });

  async function refresh() {
    await loadHolds();
    for (const item of items) {
      try { item.show(await api.retention(item.room)); } catch { /* shown on next load */ }
    }
  }
  loadHolds();

  return h("section", { class: "records", attrs: { "aria-labelledby": "records-title" } },
    h("h2", { id: "records-title", text: "Records: retention and legal holds" }),
    h("p", { class: "hint", text: "Messages older than a room’s retention are deleted for good, unless a legal hold covers them." }),
    msg.el,
    h("ul", { class: "cohorts" },
      items.length ? null : h("li", { class: "hint", text: "No cohorts yet." }),
      items.map((i) => i.el)),
    h("h3", { text: "Active legal holds" }),
    holdList);
}
