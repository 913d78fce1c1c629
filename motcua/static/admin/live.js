// The leaders' live view: re-reads the hall every few seconds and redraws it. A poll is the
// robust choice here: it never misses an event and waiting times grow even when nothing happens.
// Every text comes translated from the page (#live-config); nothing from the server becomes HTML.
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
  const timeFormat = new Intl.DateTimeFormat(config.lang === "en" ? "en-GB" : "vi-VN",
    { hour: "2-digit", minute: "2-digit", second: "2-digit" });
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
        threshold: state.threshold_minutes }))));
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

  function render(state) {
    totals(state);
    alerts(state);
    sectors(state);
    counters(state);
    $("updated").textContent = fill(t.updated, { time: timeFormat.format(new Date()) });
    document.body.dataset.liveUpdated = String(Date.now());
  }

  async function refresh() {
    try {
      const response = await fetch(config.url, { cache: "no-store", credentials: "same-origin" });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      render(await response.json());
      $("offline").hidden = true;
    } catch (error) {
      $("offline").hidden = false;
    } finally {
      setTimeout(refresh, config.every_ms);
    }
  }

  render(config.state);
  setTimeout(refresh, config.every_ms);
})();
