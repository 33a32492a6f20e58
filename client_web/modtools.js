// Dialogs for acting on a message or a person from the room: report (any member),
// remove a message, mute, unmute, remove from the room, suspend and lift a suspension
// (facilitators).
//
// Owns: asking for the reason (and duration) and confirming, then sending the frame.
// Each function resolves with a short sentence for the room's status line, or null when
// the person cancelled. Server errors show inside the dialog, so they can try again.

import { formDialog, choiceDialog } from "./view.js";

const REASON = { maxlength: 500 };

export const MUTE_CHOICES = Object.freeze([
  { value: "15", label: "15 minutes" },
  { value: "60", label: "1 hour" },
  { value: "1440", label: "1 day" },
  { value: "10080", label: "1 week" },
]);

const untilText = (iso) => new Date(iso).toLocaleString(undefined,
  { weekday: "short", hour: "numeric", minute: "2-digit" });

/** Any member: report a message to the room's facilitators. */
export async function reportMessage({ socket, room, message, author }) {
  const ok = await formDialog({
    title: "Report this message?",
    text: `Your facilitators will look at ${author}’s message. ${author} is not told who reported it.`,
    fields: [{ name: "reason", label: "What worries you about it? (optional)", ...REASON }],
    confirm: "Send report",
    onSubmit: ({ reason }) => socket.report(room, message, reason),
  });
  return ok ? "Thanks, a facilitator will look at it." : null;
}

/** Facilitators: remove a message for everyone, with a reason (kept in the audit log). */
export async function removeMessage({ socket, room, message, author }) {
  const ok = await formDialog({
    title: "Remove this message?",
    text: `Everyone will see “Removed by a facilitator” instead of ${author}’s message. Facilitators can still read the original.`,
    fields: [{ name: "reason", label: "Reason", required: true, ...REASON,
      hint: "Kept in the audit log." }],
    confirm: "Remove message",
    danger: true,
    onSubmit: ({ reason }) => socket.moderate("remove", { room, message, reason }),
  });
  return ok ? "Message removed." : null;
}

/**
 * Facilitators: what to do about a member; resolves with a status sentence or null.
 * `state`: from the member list, `muted_until` (null when not muted) and `suspended`;
 * what it does not say (offline) is offered both ways, and the server decides.
 */
export async function memberActions({ socket, room, user, state = {} }) {
  const mutedUntil = state.muted_until;
  const muted = mutedUntil === undefined ? null : Boolean(mutedUntil && Date.parse(mutedUntil) > Date.now());
  const suspended = state.suspended ?? null;
  const choice = await choiceDialog({
    title: `${user.name}: member actions`,
    text: "Each action is recorded in the audit log with your reason.",
    choices: [
      muted
        ? { value: "mute", label: "Change the mute…", hint: `Muted until ${untilText(mutedUntil)}` }
        : { value: "mute", label: "Mute…", hint: "Pause their posting here for a while" },
      ...(muted === false ? [] : [{ value: "unmute", label: "Unmute", hint: "Let them post again now" }]),
      { value: "remove_member", label: "Remove from room…", danger: true },
      ...(suspended === true ? [] : [{ value: "suspend", label: "Suspend account…", danger: true, hint: "Ends all their sessions" }]),
      ...(suspended === false ? [] : [{ value: "unsuspend", label: "Lift a suspension…", hint: "They can sign in again" }]),
    ],
  });
  switch (choice) {
    case "mute": {
      let until = null;
      const ok = await formDialog({
        title: `Mute ${user.name}?`,
        text: `${user.name} can still read, and sees when they can post again and your reason.`,
        fields: [
          { name: "minutes", label: "For how long", kind: "select", options: MUTE_CHOICES, value: "60" },
          { name: "reason", label: "Reason (shown to them)", required: true, ...REASON },
        ],
        confirm: "Mute",
        onSubmit: async ({ minutes, reason }) => {
          const done = await socket.moderate("mute", { room, user: user.id, minutes: Number(minutes), reason });
          until = done.until;
        },
      });
      return ok ? `${user.name} is muted${until ? ` until ${untilText(until)}` : ""}.` : null;
    }
    case "unmute": {
      const ok = await formDialog({
        title: `Unmute ${user.name}?`,
        text: `${user.name} can post again right away.`,
        confirm: "Unmute",
        onSubmit: () => socket.moderate("unmute", { room, user: user.id }),
      });
      return ok ? `${user.name} can post again.` : null;
    }
    case "remove_member": {
      const ok = await formDialog({
        title: `Remove ${user.name} from this room?`,
        text: `${user.name} stops receiving this room at once and is told your reason. Only an invite brings them back.`,
        fields: [{ name: "reason", label: "Reason", required: true, ...REASON }],
        confirm: "Remove from room",
        danger: true,
        onSubmit: ({ reason }) => socket.moderate("remove_member", { room, user: user.id, reason }),
      });
      return ok ? `${user.name} was removed from the room.` : null;
    }
    case "suspend": {
      const ok = await formDialog({
        title: `Suspend ${user.name}’s account?`,
        text: `${user.name} is signed out everywhere at once and cannot log in while suspended.`,
        fields: [{ name: "reason", label: "Reason", required: true, ...REASON }],
        confirm: "Suspend account",
        danger: true,
        onSubmit: ({ reason }) => socket.moderate("suspend", { user: user.id, reason }),
      });
      return ok ? `${user.name}’s account is suspended.` : null;
    }
    case "unsuspend": {
      const ok = await formDialog({
        title: `Lift ${user.name}’s suspension?`,
        text: `${user.name} can sign in again with their password.`,
        fields: [{ name: "reason", label: "Reason", required: true, ...REASON }],
        confirm: "Lift suspension",
        onSubmit: ({ reason }) => socket.moderate("unsuspend", { user: user.id, reason }),
      });
      return ok ? `${user.name} can sign in again.` : null;
    }
    default:
      return null;
  }
}
