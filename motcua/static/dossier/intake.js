// Dossier pages: choosing a procedure (or a status filter) reloads the form for it at once,
// with the applicant's fields typed so far sent along to be kept (`data-keep-url`); the address
// becomes required when the result goes by post; a scanned chip ID card fills the applicant's
// fields (the server reads the code; it is never kept here). No text lives here.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit] select, select[data-autosubmit-field]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.value === "" && !select.hasAttribute("data-autosubmit-field")) return;
      var typed = select.dataset.keepUrl && document.querySelector("form.intake__form");
      if (typed) {
        typed.elements.procedure.value = select.value;
        typed.action = select.dataset.keepUrl;
        typed.submit();
        return;
      }
      select.form.submit();
    });
  });
  var address = document.querySelector("input[name=address]");
  var radios = document.querySelectorAll("input[name=delivery]");
  function sync() {
    var post = document.querySelector("input[name=delivery][value=post]");
    if (address && post) address.required = post.checked;
  }
  radios.forEach(function (radio) { radio.addEventListener("change", sync); });
  sync();
  var scan = document.querySelector("input[data-card-scan]");
  if (scan) {
    var message = document.querySelector("[data-card-message]");
    var csrf = document.querySelector('meta[name="csrf-token"]');
    var fields = { name: "name", id_card: "id_card", born: "born", address: "address" };
    scan.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault(); // the scanner's Enter must not submit the intake form
      var code = scan.value;
      scan.value = "";
      if (!code.trim()) return;
      fetch(scan.dataset.url, {
        method: "POST", credentials: "same-origin", cache: "no-store",
        headers: { "Content-Type": "application/json", Accept: "application/json",
                   "X-CSRFToken": csrf ? csrf.content : "" },
        body: JSON.stringify({ code: code }),
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (answer) {
        if (!answer.ok) {
          message.textContent = (answer.body.error && answer.body.error.message) || "";
          message.dataset.state = "error";
          return;
        }
        Object.keys(fields).forEach(function (key) {
          var input = document.querySelector("input[name=" + fields[key] + "]");
          if (input) input.value = answer.body[key];
        });
        message.textContent = "";
        message.dataset.state = "filled";
        sync();
      }).catch(function () {
        message.textContent = message.dataset.network;
        message.dataset.state = "error";
      });
    });
  }
  var note = document.querySelector("textarea[name=note]");
  document.querySelectorAll("input[name=status]").forEach(function (radio) {
    function needs() { if (radio.checked && note) note.required = radio.dataset.needsNote === "yes"; }
    radio.addEventListener("change", needs);
    needs();
  });
})();
