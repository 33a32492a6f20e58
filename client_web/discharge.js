// Discharge, from the staff screen: who is in each cohort, discharging a client with
// an outcome and a staff-only note, the cohort's read-only grace period, closing a cohort
// that has ended, and re-admitting an alum.
//
// Owns: the "Members and discharge" section of the staff screen. Everything a person
// wrote (names, notes) goes in as text (view.js `h`). The server checks every permission;
// its errors are shown next to what was tried.

import { h, clear, formDialog, confirmDialog, formMessage } from "./view.js";
import { api } from "./api.js";

export const OUTCOMES = Object.freeze([
  { value: "completed", label: "Completed the program" },
  { value: "transferred", label: "Transferred to another program or level of care" },
  { value: "left_early", label: "Left early" },
  { value: "other", label: "Other" },
]);

const GRACE_CHOICES = [[0, "None: access ends at discharge"], [1, "1 day"], [3, "3 days"],
  [7, "7 days"], [14, "14 days"], [30, "30 days"]];

const outcomeName = (v) => (OUTCOMES.find((o) => o.value === v) || { label: v }).label;

function day(iso) {
  return new Date(iso).toLocaleDateString(undefined, { month: "short", day: "numeric", year: "numeric" });
}

let ids = 0;

/**
 * The section for the cohorts a staff member runs.
 * @param {{cohorts: Array<{id:number, name:string}>}} opts
 */
export function dischargeSection({ cohorts }) {
  const n = ++ids;
  const body = h("div", { class: "discharge-body" });
  const pickId = `discharge-cohort-${n}`;
  const pick = h("select", { id: pickId, name: "cohort",
    on: { change: () => show(Number(pick.value)) } },
  cohorts.map((c) => h("option", { value: String(c.id), text: c.name })));
  const section = h("section", { class: "discharge", attrs: { "aria-labelledby": `discharge-title-${n}` } },
    h("h2", { id: `discharge-title-${n}`, text: "Members and discharge" }),
    h("p", { class: "hint", text: "When treatment ends, discharge the person here. The group and the person see only that they have moved on; the outcome and your note stay with staff." }),
    cohorts.length > 1 ? h("div", { class: "field" }, h("label", { htmlFor: pickId, text: "Cohort" }), pick) : null,
    body);

  async function show(cohortId, notice = null) {
    const cohort = cohorts.find((c) => c.id === cohortId);
    if (!cohort) return;
    clear(body);
    const msg = formMessage();
    let roster;
    let alumni = [];
    try {
      roster = await api.roster(cohort.id);
      alumni = (await api.alumni()).alumni;
    } catch (err) {
      body.appendChild(h("p", { class: "form-message error", text: `Couldn’t load the cohort: ${err.message}` }));
      return;
    }
    const closed = Boolean(roster.closed_at);
    const list = h("ul", { class: "roster", attrs: { "aria-label": `Members of ${cohort.name}` } },
      roster.members.length ? null : h("li", { class: "hint", text: "No clients in this cohort." }),
      roster.members.map((m) => h("li", { class: "roster-item", data: { user: m.id } },
        h("span", { class: "person-name", text: m.name }),
        m.read_only_until
          ? h("span", { class: "hint", text: ` Moved on · read-only until ${day(m.read_only_until)}` })
          : h("button", { type: "button", class: "button small", text: "Discharge…",
            attrs: { "aria-label": `Discharge ${m.name}` },
            on: { click: () => discharge(cohort, m, msg) } }))));

    const graceId = `grace-${n}`;
    const grace = h("select", { id: graceId, name: "grace_days" },
      GRACE_CHOICES.map(([d, label]) => h("option", { value: String(d), text: label })));
    if (!GRACE_CHOICES.some(([d]) => d === roster.grace_days)) {
      grace.appendChild(h("option", { value: String(roster.grace_days), text: `${roster.grace_days} days` }));
    }
    grace.value = String(roster.grace_days);
    const graceForm = h("form", { class: "inline-form", on: { submit: async (e) => {
      e.preventDefault();
      msg.clear();
      try {
        const { grace_days: days } = await api.setGraceDays(cohort.id, Number(grace.value));
        msg.ok(days ? `After discharge, people can read the group for ${days} more day${days === 1 ? "" : "s"}.`
          : "Access now ends at discharge.");
      } catch (err) {
        msg.error(`Couldn’t save: ${err.message}`);
      }
    } } },
    h("label", { htmlFor: graceId, text: "Read-only time after discharge" }), grace,
    h("button", { type: "submit", class: "button", text: "Save" }));

    const readmitId = `readmit-${n}`;
    const readmitPick = h("select", { id: readmitId, name: "alum" },
      alumni.map((a) => h("option", { value: String(a.id), text: a.name })));
    const readmitForm = alumni.length && !closed
      ? h("form", { class: "inline-form", on: { submit: async (e) => {
        e.preventDefault();
        msg.clear();
        const alum = alumni.find((a) => a.id === Number(readmitPick.value));
        try {
          await api.readmit(cohort.id, alum.id);
          await show(cohort.id, `${alum.name} is back in ${cohort.name}, with the same account.`);
        } catch (err) {
          msg.error(`Couldn’t re-admit: ${err.message}`);
        }
      } } },
      h("label", { htmlFor: readmitId, text: "Re-admit an alum" }), readmitPick,
      h("button", { type: "submit", class: "button", text: "Re-admit" }))
      : null;

    const closeButton = h("button", { type: "button", class: "button danger", text: "Close this cohort…",
      on: { click: async () => {
        msg.clear();
        const ok = await confirmDialog({
          title: `Close ${cohort.name}?`,
          text: "Do this when the cohort has ended. The room becomes read-only for everyone, staff can still read it, and its retention period starts now.",
          confirm: "Close cohort",
        });
        if (!ok) return;
        try {
          await api.closeCohort(cohort.id);
          await show(cohort.id, `${cohort.name} is closed.`);
        } catch (err) {
          msg.error(`Couldn’t close it: ${err.message}`);
        }
      } } });

    body.append(...[
      closed ? h("p", { class: "state-chip", text: `Closed on ${day(roster.closed_at)}` }) : null,
      list, msg.el,
      closed ? null : graceForm,
      readmitForm,
      closed ? null : h("div", { class: "row" }, closeButton)].filter(Boolean));
    if (notice) msg.ok(notice);
  }

  async function discharge(cohort, member, msg) {
    msg.clear();
    let result = null;
    const done = await formDialog({
      title: `Discharge ${member.name}?`,
      text: `${member.name} and the group will see only that ${member.name} has moved on. ${member.name} is then asked about joining the alumni network.`,
      fields: [
        { name: "outcome", label: "Outcome", kind: "select", options: OUTCOMES, value: "completed" },
        { name: "note", label: "Note for staff (optional)", maxlength: 2000, rows: 4,
          hint: "Only staff see this. It is never shown to the person or the group, and never written to the audit log." },
      ],
      confirm: "Discharge",
      onSubmit: async ({ outcome, note }) => {
        result = (await api.discharge(cohort.id, { user: member.id, outcome, ...(note ? { note } : {}) })).discharge;
      },
    });
    if (!done || !result) return;
    await show(cohort.id, `${member.name} has moved on (${outcomeName(result.outcome)}). `
      + (result.read_only_until ? `They can read the group until ${day(result.read_only_until)}.`
        : "Their access to the group has ended."));
  }

  if (cohorts.length) show(cohorts[0].id);
  else body.appendChild(h("p", { class: "hint", text: "No cohorts yet." }));
  return section;
}
