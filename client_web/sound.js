// A short beep for urgent alerts, for facilitators who leave it on.
//
// Owns: the person's sound choice on this device (localStorage, on by default) and a
// two-tone beep made with WebAudio (an oscillator: no audio file to fetch). Browsers
// only let a page make sound after the person has interacted with it; until then the
// beep is silently skipped and the visual cue carries the alert.

const KEY = "hearth.alert-sound";

let context = null;

export function soundOn() {
  return localStorage.getItem(KEY) !== "off";
}

export function setSound(on) {
  if (on) localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, "off");
  if (on) unlock();
}

/** Create (or wake) the audio context from a user gesture, so later beeps may play. */
export function unlock() {
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return null;
  try {
    if (!context) context = new Ctx();
    if (context.state === "suspended") context.resume().catch(() => {});
  } catch {
    context = null;
  }
  return context;
}

/** Two short, soft tones (about half a second), if sound is on. Returns true if played. */
export function urgentBeep() {
  if (!soundOn()) return false;
  const ctx = unlock();
  if (!ctx) return false;
  try {
    const start = ctx.currentTime + 0.01;
    for (const [offset, freq] of [[0, 880], [0.22, 660]]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.18);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.2);
    }
    return true;
  } catch {
    return false;
  }
}
