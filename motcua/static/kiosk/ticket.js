/* A ticket's phone page, live: the state comes from GET /api/v1/tickets/<token> on every
   (re)connect and resync, every nudge from the ticket's Socket.IO room, and every nudge that
   its sector's line moved (someone ahead called or transferred in, a priority citizen).
   When the turn comes near, and when the ticket is called, the phone vibrates and chimes
   where it is allowed to (sound after one tap). Words come from #ticket-config. */
"use strict";
(() => {
  const $ = (id) => document.getElementById(id);
  const config = JSON.parse($("ticket-config").textContent);
  const words = config.words;
  let status = config.status;
  let audio = null; // an AudioContext, once the citizen tapped "sound on"

  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (all, key) => (key in values ? values[key] : all));
  const plural = (forms, n) => fill(n === 1 ? forms.one : forms.other, { n });
  const dayOf = (iso) => iso.split("-").reverse().join("/");

  /** Headline and lines, as motcua.kiosk.texts.describe_ticket tells them on the server. */
  function describe(ticket) {
    const sector = config.lang === "en" ? ticket.sector.name_en : ticket.sector.name_vi;
    const values = { counter: ticket.counter, number: ticket.display_number, date: dayOf(ticket.day), sector };
    const state = ticket.is_today ? ticket.status : "other_day";
    if (state !== "waiting") {
      return { state, headline: fill(words.headline[state], values), lines: [fill(words.detail[state], values)] };
    }
    const lines = [];
    if (ticket.transferred) lines.push(fill(words.detail.transferred, values));
    lines.push(ticket.ahead ? plural(words.ahead, ticket.ahead) : words.ahead_none);
    if (ticket.estimated_wait_minutes) lines.push(fill(words.wait, ticket.estimated_wait));
    if (ticket.counters.length) lines.push(fill(words.counters, { counters: ticket.counters.join(", ") }));
    if (ticket.near) {
      lines.push(words.detail.near);
      return { state: "near", headline: words.headline.near, lines };
    }
    return { state, headline: words.headline.waiting, lines };
  }

  function render(ticket) {
    const told = describe(ticket);
    $("ticket").dataset.state = told.state;
    $("number").textContent = ticket.display_number;
    $("sector").textContent = config.lang === "en" ? ticket.sector.name_en : ticket.sector.name_vi;
    $("headline").textContent = told.headline;
    $("lines").replaceChildren(...told.lines.map((line) => Object.assign(document.createElement("p"), { textContent: line })));
    // The phone number is asked for only while the ticket waits, as the server draws the page.
    const notifyBox = $("notify-box");
    if (notifyBox) notifyBox.hidden = told.state !== "waiting" && told.state !== "near";
    if (told.state === "called") {
      document.title = fill(words.called_title, { counter: ticket.counter, number: ticket.display_number });
    }
  }

  /** Two falling tones for "called", one for "your turn is near". */
  function chime(tones) {
    if (!audio) return;
    const start = audio.currentTime;
    tones.forEach((frequency, i) => {
      const tone = audio.createOscillator();
      const volume = audio.createGain();
      tone.frequency.value = frequency;
      volume.gain.setValueAtTime(0.0001, start + i * 0.45);
      volume.gain.exponentialRampToValueAtTime(0.4, start + i * 0.45 + 0.03);
      volume.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.45 + 0.4);
      tone.connect(volume).connect(audio.destination);
      tone.start(start + i * 0.45);
      tone.stop(start + i * 0.45 + 0.42);
    });
  }

  const CALLED = { vibration: [400, 200, 400, 200, 400], tones: [880, 660] };
  const NEAR = { vibration: [200], tones: [660] };
  function alertCitizen(how) {
    if (navigator.vibrate) navigator.vibrate(how.vibration);
    chime(how.tones);
  }

  // Events come in bursts (called, then transferred): reads never overlap, so an older state
  // is never drawn over a newer one.
  const refresh = LiveLink.reader(config.urls.status, (fresh) => {
    const newlyCalled = fresh.status === "called" && fresh.is_today
      && (status.status !== "called" || fresh.call_count > status.call_count);
    const newlyNear = fresh.near && !status.near;
    status = fresh;
    render(status);
    if (newlyCalled) alertCitizen(CALLED);
    else if (newlyNear) alertCitizen(NEAR);
  });

  function connection(state) {
    $("connection").dataset.state = state;
    $("connection").textContent = state === "live" ? words.live : words.offline;
  }

  $("sound").addEventListener("click", () => {
    const Context = window.AudioContext || window.webkitAudioContext;
    if (Context) {
      audio = new Context();
      chime(NEAR.tones); // the citizen hears what the page will sound like
    }
    $("sound").disabled = true;
    $("sound").querySelector("span").textContent = words.sound_on;
  });

  // The optional phone number: "your turn is near" and the call, by SMS or Zalo.
  const notify = $("notify");
  if (notify) {
    notify.addEventListener("submit", async (event) => {
      event.preventDefault();
      const answer = $("notify-answer");
      let reply;
      try {
        const response = await fetch(config.urls.phone, {
          method: "POST", headers: { "Content-Type": "application/json" }, cache: "no-store",
          body: JSON.stringify({ phone: notify.elements.phone.value }),
        });
        reply = { ok: response.ok, body: await response.json().catch(() => ({})) };
      } catch (error) {
        reply = { ok: false, body: {} };
      }
      const code = reply.body.error && reply.body.error.code;
      if (code === "invalid_transition") {
        // The ticket stopped waiting before the page heard of it: trying again cannot help.
        answer.textContent = notify.dataset.late;
        notify.dataset.state = "problem";
        notify.elements.phone.disabled = true;
        notify.querySelector("button").disabled = true;
        return;
      }
      answer.textContent = reply.ok ? notify.dataset.done : code === "invalid_input" ? notify.dataset.invalid : notify.dataset.other;
      notify.dataset.state = reply.ok ? "done" : "problem";
    });
  }

  if (typeof io === "function") {
    const auth = { token: config.token };
    const socket = LiveLink.connect({
      namespace: "/ticket", auth, refetch: refresh,
      onStatus: (up) => connection(up ? "live" : "offline"),
      onEvent: (name) => {
        // A transfer may have moved the ticket to another sector's line: follow that line.
        if (name === EVENTS.TICKET_TRANSFERRED) socket.emit("follow", auth);
        refresh(); // its own call, start, finish, no-show, transfer, or its line moved
      },
    });
  }
})();
