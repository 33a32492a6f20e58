// Opt-in browser notifications.
//
// Owns: the person's choice (kept in localStorage on this device) and showing a
// notification. A notification never carries message text, room or program names:
// its only text is "New message in Hearth".

const KEY = "hearth.notify";
export const NOTICE_TEXT = "New message in Hearth";

export function supported() {
  return typeof window.Notification === "function";
}

export function enabled() {
  return supported() && localStorage.getItem(KEY) === "on" && Notification.permission === "granted";
}

/** Ask for permission; returns true when notifications are now on. */
export async function enable() {
  if (!supported()) return false;
  let permission = Notification.permission;
  if (permission === "default") permission = await Notification.requestPermission();
  if (permission !== "granted") {
    localStorage.removeItem(KEY);
    return false;
  }
  localStorage.setItem(KEY, "on");
  return true;
}

export function disable() {
  localStorage.removeItem(KEY);
}

/** Show the one notification we ever show, if the person opted in and is elsewhere. */
export function newMessage() {
  if (!enabled() || document.visibilityState === "visible") return;
  try {
    const n = new Notification(NOTICE_TEXT, { tag: "hearth-new-message", silent: false });
    n.onclick = () => {
      window.focus();
      n.close();
    };
  } catch {
    // Some platforms only allow notifications from a service worker; stay quiet.
  }
}

export const REMINDER_TEXT = "Reminder from Hearth";

/** A session reminder the person opted in to: as content-free as every notification. */
export function reminder() {
  if (!enabled()) return;
  try {
    const n = new Notification(REMINDER_TEXT, { tag: "hearth-reminder" });
    n.onclick = () => {
      window.focus();
      n.close();
    };
  } catch {
    // Some platforms only allow notifications from a service worker; stay quiet.
  }
}
