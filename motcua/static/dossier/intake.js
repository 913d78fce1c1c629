// Dossier pages: choosing a procedure (or a status filter) reloads the form for it at once;
// the address becomes required when the result goes by post. No text lives here.
(function () {
  "use strict";
  document.querySelectorAll("form[data-autosubmit] select, select[data-autosubmit-field]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.value !== "" || select.hasAttribute("data-autosubmit-field")) select.form.submit();
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
  var note = document.querySelector("textarea[name=note]");
  document.querySelectorAll("input[name=status]").forEach(function (radio) {
    function needs() { if (radio.checked && note) note.required = radio.dataset.needsNote === "yes"; }
    radio.addEventListener("change", needs);
    needs();
  });
})();
