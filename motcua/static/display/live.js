// Shared by the hall board and the counter displays: the page's configuration, the hall
// clock, the state fetched over HTTP and the live Socket.IO link. Screens run all day with no
// keyboard, so everything here recovers by itself: a dropped link reconnects, every
// (re)connect re-reads the whole state, and a failed read is retried.

/** The configuration the server rendered into the page (strings already translated). */
export function readConfig() {
  return JSON.parse(document.getElementById("display-config").textContent);
}

/** Hall time, from the server's clock rather than the screen PC's (often wrong). */
export class HallClock {
  constructor(timeZone, lang) {
    this.offsetMs = 0;
    const locale = lang === "en" ? "en-GB" : "vi-VN";
    this.timeFormat = new Intl.DateTimeFormat(locale, {
      timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
    this.dateFormat = new Intl.DateTimeFormat(locale, {
      timeZone, weekday: "long", day: "2-digit", month: "2-digit", year: "numeric",
    });
  }

  /** Align with the server's "now" (an ISO instant with its offset). */
  sync(serverNow) {
    const server = Date.parse(serverNow);
    if (!Number.isNaN(server)) this.offsetMs = server - Date.now();
  }

  /** Show the time (and date) every second. */
  show(timeElement, dateElement) {
    const tick = () => {
      const now = new Date(Date.now() + this.offsetMs);
      timeElement.textContent = this.timeFormat.format(now);
      timeElement.dateTime = now.toISOString();
      if (dateElement) dateElement.textContent = this.dateFormat.format(now);
    };
    tick();
    setInterval(tick, 1000);
  }
}

/**
 * The live link to the `/display` namespace (static/live/link.js, shared by every live page).
 * `onConnect` runs on the first connection, every reconnection and every `resync` (the page
 * re-reads its state there); `onEvent(name, message)` for each event. The status element
 * appears only when the link has been down for a couple of seconds, so a brief blip does not
 * flicker on the screen.
 */
export function connectLive({ namespace, auth, statusElement, onConnect, onEvent }) {
  return LiveLink.connect({
    namespace, auth, refetch: onConnect, onEvent, downAfterMs: 2000,
    onStatus: (up) => { statusElement.hidden = up; },
  });
}

/** Restart a CSS animation class on an element (a new call flashes even mid-flash). */
export function replay(element, className) {
  element.classList.remove(className);
  void element.offsetWidth; // the browser forgets the old animation here
  element.classList.add(className);
}

/** A new element with a class and text (text only: nothing from the server becomes HTML). */
export function make(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined && text !== null) element.textContent = String(text);
  return element;
}
