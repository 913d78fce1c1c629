// The leaders' live view: re-reads the hall when its events say something changed (the staff
// namespace `/counter`, the hall's room), on every (re)connect and resync (static/live/link.js),
// at the moment the next sector passes its waiting threshold, and once a minute for the minutes
// shown. A sector newly past its threshold is announced on screen and, once the leader turned
// sound on, with a tone. Every text comes translated from the page (#live-config); nothing
// from the server becomes HTML.
"use strict";
(() => {
  const config = JSON.parse(document.getElementById("live-config").textContent);
  const t = config.texts;
  const $ = (name) => document.querySelector(`[data-${name}]`);
  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (_, key) => (key in values ? String(values[key]) : ""));
  const make = (tag, className, text) => {
    const element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = String(text);
    return element;
  };
  const MINUTE_MS = 60000; // the minutes shown grow with the clock, events or not
  const timeFormat = new Intl.DateTimeFormat(config.lang === "en" ? "en-GB" : "vi-VN",
    { hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: config.time_zone });
  const sectorName = (s) => (config.lang === "en" ? s.name_en : s.name_vi);

  function totals(state) {
    const box = (label, value) => {
      const element = make("div", "total");
      element.append(make("strong", null, value), make("span", null, label));
      return element;
    };
    $("totals").replaceChildren(
      box(t.waiting, state.totals.waiting),
      box(t.open_counters, state.totals.open_counters),
      box(t.idle_counters, state.totals.idle_counters));
  }

  function alerts(state) {
    $("alerts").replaceChildren(...state.sectors.filter((s) => s.alert).map((s) =>
      make("p", null, fill(t.alert, { sector: sectorName(s), minutes: s.longest_minutes,
        threshold: s.threshold_minutes }))));
  }

  function sectors(state) {
    $("sectors").replaceChildren(...state.sectors.map((s) => {
      const card = make("section", "live-sector" + (s.alert ? " alert" : "") +
        (s.waiting === 0 ? " idle-line" : ""));
      card.dataset.sector = s.code;
      card.append(make("h3", null, sectorName(s)));
      if (s.waiting === 0) {
        card.append(make("p", "muted", t.nobody));
      } else {
        const line = make("p");
        line.append(make("span", "count", s.waiting), " ", t.people, " · ",
          make("span", "longest", fill(t.longest, { minutes: s.longest_minutes })));
        card.append(line);
        const numbers = make("div", "numbers");
        for (const n of s.numbers) {
          const chip = make("span", n.priority ? "priority" : "",
            `${n.display_number} · ${fill(t.minutes, { minutes: n.minutes })}`);
          if (n.priority) chip.title = t.priority;
          numbers.append(chip);
        }
        if (s.waiting > s.numbers.length) {
          numbers.append(make("span", "muted", fill(t.more, { count: s.waiting - s.numbers.length })));
        }
        card.append(numbers);
      }
      if (!s.is_open) card.append(make("p", "badge off", t.closed_sector));
      return card;
    }));
  }

  function counters(state) {
    $("counters").replaceChildren(...state.counters.map((c) => {
      const card = make("section", `live-counter ${c.state}` + (c.idle ? " idle" : ""));
      card.dataset.counter = c.number;
      const title = make("h3", null, `${c.number} · ${c.name}`);
      title.append(" ", make("span", `badge state-${c.state}`, t[`state_${c.state}`]));
      card.append(title, make("p", "muted", c.officer || t.no_officer));
      if (c.current) {
        const template = c.current.status === "serving" ? t.serving : t.called;
        card.append(make("p", "now", fill(template,
          { number: c.current.display_number, minutes: c.current.minutes })));
      } else if (c.idle) {
        card.append(make("p", "now", c.idle_minutes === null ? t.idle_now
          : fill(t.idle, { minutes: c.idle_minutes })));
      }
      return card;
    }));
  }

  // --- alerting -------------------------------------------------------------------------

  let audio = null; // an AudioContext, once the leader turned sound on
  let alerted = new Set(config.state.alerts); // sectors already past their threshold

  /** Three short tones, only while the leader has sound on. */
  function tone() {
    if (!audio || $("sound").getAttribute("aria-pressed") !== "true") return;
    const start = audio.currentTime;
    [988, 740, 988].forEach((frequency, i) => {
      const oscillator = audio.createOscillator();
      const volume = audio.createGain();
      oscillator.frequency.value = frequency;
      volume.gain.setValueAtTime(0.0001, start + i * 0.3);
      volume.gain.exponentialRampToValueAtTime(0.3, start + i * 0.3 + 0.02);
      volume.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.3 + 0.25);
      oscillator.connect(volume).connect(audio.destination);
      oscillator.start(start + i * 0.3);
      oscillator.stop(start + i * 0.3 + 0.27);
    });
  }

  /** A sector that newly passed its threshold: flash the warnings and sound once. */
  function announce(state) {
    const now = new Set(state.alerts);
    const fresh = [...now].some((code) => !alerted.has(code));
    alerted = now;
    if (!fresh) return;
    $("alerts").classList.remove("fresh");
    void $("alerts").offsetWidth; // restart the flash
    $("alerts").classList.add("fresh");
    tone();
  }

  $("sound").addEventListener("click", () => {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (Context && audio === null) audio = new Context();
    const on = $("sound").getAttribute("aria-pressed") !== "true";
    $("sound").setAttribute("aria-pressed", String(on));
    $("sound").textContent = on ? t.sound_on : t.sound_off;
    if (!on) return;
    audio?.resume();
    tone(); // the leader hears what an alert will sound like
  });
  // --- recommendations -----------------------------------------------------------------------

  // A forecast simulates the rest of the day on the server: read at most every few minutes.
  const ADVICE_MS = 3 * MINUTE_MS;
  let adviceRead = 0;

  function applyForm(move) {
    const form = make("form");
    form.method = "post";
    form.action = config.apply_url;
    for (const [name, value] of [["csrf_token", config.csrf_token], ["counter", move.counter],
      ["sector", move.sector]]) {
      const input = make("input");
      input.type = "hidden";
      input.name = name;
      input.value = String(value);
      form.append(input);
    }
    const button = make("button", "button primary", t.apply);
    button.type = "submit";
    form.append(button);
    return form;
  }

  async function advise() {
    if (Date.now() - adviceRead < ADVICE_MS) return;
    adviceRead = Date.now();
    try {
      const response = await fetch(config.advice_url, { cache: "no-store", credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const { moves } = await response.json();
      $("moves").replaceChildren(...moves.map((move) => {
        const row = make("div", "move");
        row.dataset.move = `${move.counter}:${move.sector}`;
        row.append(make("p", null, fill(t.move, { counter: move.counter, sector: move.sector_name,
          before: move.wait_before, after: move.wait_after })));
        if (config.apply_url) row.append(applyForm(move));
        return row;
      }));
      $("advice").hidden = moves.length === 0;
    } catch (error) {
      adviceRead = 0; // try again with the next reading
    }
  }

  // --- reading -----------------------------------------------------------------------------

  function render(state) {
    totals(state);
    alerts(state);
    sectors(state);
    counters(state);
    // the server's hall clock, not this computer's (which may be wrong or elsewhere)
    $("updated").textContent = fill(t.updated, { time: timeFormat.format(new Date(Date.parse(state.now))) });
    document.body.dataset.liveUpdated = String(Date.now());
    advise();
  }

  let nextRead = null;
  /** Read again when the next sector will pass its threshold, or in a minute. */
  function readAgainLater(state) {
    clearTimeout(nextRead);
    let wait = MINUTE_MS;
    if (state.next_alert_at) {
      const due = Date.parse(state.next_alert_at) - Date.parse(state.now) + 500;
      wait = Math.max(500, Math.min(wait, due));
    }
    nextRead = setTimeout(refresh, wait);
  }

  let reading = null;
  let again = false;
  async function refresh() {
    if (reading) { // an event during a read: read once more afterwards
      again = true;
      return reading;
    }
    reading = (async () => {
      do {
        again = false;
        try {
          const response = await fetch(config.url, { cache: "no-store", credentials: "same-origin" });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
          const state = await response.json();
          render(state);
          announce(state);
          readAgainLater(state);
        } catch (error) {
          nextRead = setTimeout(refresh, 5000); // the link may be fine while a read failed
        }
      } while (again);
    })();
    try {
      await reading;
    } finally {
      reading = null;
    }
  }
  let soon = null;
  const refreshSoon = () => { clearTimeout(soon); soon = setTimeout(refresh, 200); };

  render(config.state);
  LiveLink.connect({
    namespace: "/counter", auth: { hall: config.hall }, refetch: refresh, downAfterMs: 2000,
    onStatus: (up) => { $("offline").hidden = up; },
    onEvent: refreshSoon, // tickets issued, called, finished; counters and sectors changed
  });
})();
