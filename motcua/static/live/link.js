/* The live link of every live page (board, counter display, console, rating tablet, kiosk,
   phone page, live view): one Socket.IO connection that says when it is down and re-reads the
   page's state whenever it is back. Events are only nudges: missed ones are never replayed,
   so the page's `refetch` reads the truth over HTTP on every (re)connect, and again when the
   server says `resync` (its message queue came back: events may have been lost meanwhile).
   A classic script, so classic pages and modules alike find it as `LiveLink`. */
"use strict";
window.LiveLink = (() => {
  /**
   * `refetch()` runs on the first connection, every reconnection and every `resync`;
   * `onEvent(name, message)` for each other event; `onStatus(up)` when the link comes up, and
   * when it has been down for `downAfterMs` (a brief blip need not flicker on a hall screen).
   * `body[data-link]` says "up" or "down" at once, for styles and for tests.
   */
  function connect({ namespace, auth, refetch, onEvent = () => {}, onStatus = () => {},
    downAfterMs = 0 }) {
    // WebSocket first, long-polling only where a WebSocket cannot open (a proxy that strips
    // the upgrade): no upgrade, so no upgrade to be cut in the middle of. engine.io-client 4.8
    // leaves polling paused for good when the WebSocket it upgrades to is lost after the pause
    // began, and a lost server then goes unnoticed until the heartbeat gives up (45 s).
    const socket = io(namespace, {
      auth, reconnectionDelayMax: 5000,
      transports: ["websocket", "polling"], tryAllTransports: true,
    });
    let telling = null;
    const down = () => {
      document.body.dataset.link = "down";
      if (telling === null) telling = setTimeout(() => onStatus(false), downAfterMs);
    };
    const up = () => {
      document.body.dataset.link = "up";
      clearTimeout(telling);
      telling = null;
      onStatus(true);
    };
    // The client gives up by itself only when the server ended or refused the session; a live
    // page never gives up, so it tries again after a pause (spread, so screens do not stampede).
    const retryLater = () => setTimeout(() => socket.connect(), 2000 + Math.random() * 3000);

    socket.on("connect", () => {
      up();
      refetch();
    });
    socket.on(EVENTS.RESYNC, () => refetch());
    socket.on("disconnect", (reason) => {
      down();
      if (reason === "io server disconnect") retryLater();
    });
    socket.on("connect_error", (error) => {
      down();
      if (!socket.active) {
        console.warn("the server refused this page's live link:", error.message);
        retryLater();
      }
    });
    socket.onAny((name, message) => {
      if (name !== EVENTS.RESYNC) onEvent(name, message);
    });
    return socket;
  }

  /**
   * Reads the state over HTTP and hands it to `apply`. Calls while a read is under way ask for
   * one more read afterwards (`busy()` tells whether one is under way), and the answer of the
   * read under way is then not applied: it may predate the event that asked, which the page
   * has drawn already, and an old number must not flash back on a hall screen. Should events
   * keep coming faster than reads are answered, every third answer is applied all the same.
   * A failed read is retried a few seconds later.
   */
  function reader(url, apply, retryMs = 5000) {
    let running = false;
    let again = false;
    let retry = null;
    let skipped = 0;
    async function read() {
      if (running) {
        again = true;
        return;
      }
      running = true;
      clearTimeout(retry);
      try {
        do {
          again = false;
          const response = await fetch(url, { cache: "no-store" });
          if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
          const state = await response.json();
          if (again && skipped < 2) {
            skipped += 1;
          } else {
            skipped = 0;
            apply(state);
          }
        } while (again);
      } catch (error) {
        console.warn("state read failed; retrying", error);
        retry = setTimeout(read, retryMs);
      } finally {
        running = false;
      }
    }
    read.busy = () => running;
    return read;
  }

  return { connect, reader };
})();
