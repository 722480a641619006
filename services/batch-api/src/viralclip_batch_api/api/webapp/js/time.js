// Clock times as creators type them: `mm:ss`, `h:mm:ss`, with optional tenths (`1:05.5`), or seconds.

const CLOCK = /^(?:(\d+):)?(\d{1,3}):(\d{1,2}(?:\.\d{1,3})?)$/;
const SECONDS = /^\d+(?:\.\d{1,3})?$/;

/** Seconds of a typed time, `null` for an empty field, `NaN` when it is not a time. */
export function parseClock(text) {
  const value = String(text ?? "").trim();
  if (!value) return null;
  if (SECONDS.test(value)) return Number(value);
  const match = CLOCK.exec(value);
  if (!match) return Number.NaN;
  const [, hours, minutes, seconds] = match;
  if (Number(seconds) >= 60 || (hours !== undefined && Number(minutes) >= 60)) return Number.NaN;
  return Number(hours || 0) * 3600 + Number(minutes) * 60 + Number(seconds);
}

/** `m:ss` (or `h:mm:ss`), with tenths when `precise` and the time has them. */
export function formatClock(totalSeconds, { precise = false } = {}) {
  const rounded = precise ? Math.round(totalSeconds * 10) / 10 : Math.round(totalSeconds);
  const hours = Math.floor(rounded / 3600);
  const minutes = Math.floor((rounded % 3600) / 60);
  const seconds = rounded % 60;
  let secondsText = precise && !Number.isInteger(seconds) ? seconds.toFixed(1) : String(Math.floor(seconds));
  if (secondsText.split(".")[0].length < 2) secondsText = `0${secondsText}`;
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secondsText}` : `${minutes}:${secondsText}`;
}

/** A duration in words a creator reads at a glance: `42 s`, `1 min 5 s`, `1 h 20 min`. */
export function formatDuration(totalSeconds) {
  const seconds = Math.round(totalSeconds);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A date as a short local time. */
export function formatWhen(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
