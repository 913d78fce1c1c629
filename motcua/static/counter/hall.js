/* The hall's counters: officers take a free counter, supervisors open any counter's console.
   Re-read over HTTP whenever the /counter namespace says something changed. */
"use strict";

(() => {
  const { page, format, request, errorText, toast, el } = Staff;
  const S = page.strings;

  const readOverview = Staff.newestOnly(() => request(page.overview_url));

  async function refresh() {
    const result = await readOverview();
    if (result === null) return; // older than what is shown already
    if (result.ok) render(result.data);
    else if (result.status !== 401) toast(errorText(result.error), "error");
  }

  async function take(number) {
    const result = await request(page.open_urls[number], { method: "POST" });
    if (result.ok) location.assign(page.console_urls[number]);
    else {
      toast(errorText(result.error), "error");
      refresh();
    }
  }

  function action(counter) {
    const url = page.console_urls[counter.number];
    if (page.manager) {
      return el("a", { class: "button button--primary", href: url }, S.control);
    }
    if (counter.mine) return el("a", { class: "button button--primary", href: url }, S.enter);
    if (counter.free && !page.holds_counter) {
      return el("button", { class: "button button--primary", type: "button",
        "data-testid": `take-${counter.number}`, onclick: () => take(counter.number) }, S.take);
    }
    return el("span", { class: "counter-card__note" }, counter.free ? S.free : S.taken);
  }

  function card(counter) {
    const current = counter.current;
    return el("li", { class: `counter-card counter-card--${counter.state}${counter.mine ? " counter-card--mine" : ""}`,
      "data-counter": counter.number },
      el("div", { class: "counter-card__head" },
        el("span", { class: "counter-card__number" }, format(S.counter_n, { number: counter.number })),
        el("span", { class: `badge badge--${counter.state}` }, S[counter.state] || counter.state)),
      el("p", { class: "counter-card__officer" }, counter.officer || S.officer_none),
      el("p", { class: "counter-card__ticket" },
        current ? el("span", { class: "counter-card__current" }, current.display_number) : "—",
        current ? el("span", { class: "counter-card__status" }, S[current.status] || current.status) : null),
      el("p", { class: "counter-card__sectors" },
        counter.sectors.map((code) => page.sectors[code] || code).join(" · ")),
      action(counter));
  }

  function render(data) {
    document.getElementById("waiting").replaceChildren(...data.sectors.map((sector) =>
      el("li", { class: sector.waiting ? "" : "waiting--none" },
        el("span", { class: "waiting__sector" }, page.sectors[sector.code] || sector.code),
        el("span", { class: "waiting__count" }, sector.waiting))));
    document.getElementById("counters").replaceChildren(...data.counters.map(card));
  }

  const socket = Staff.connect({ hall: page.hall }, refresh);
  const refreshSoon = Staff.debounce(refresh, 200);
  [EVENTS.TICKET_ISSUED, EVENTS.TICKET_CALLED, EVENTS.TICKET_RECALLED, EVENTS.TICKET_STARTED,
    EVENTS.TICKET_COMPLETED, EVENTS.TICKET_NO_SHOW, EVENTS.TICKET_TRANSFERRED, EVENTS.COUNTER_CHANGED]
    .forEach((name) => socket.on(name, refreshSoon));
  refresh();
})();
