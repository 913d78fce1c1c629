// Admin pages: ask before a change that cannot be undone (forms with data-confirm), and go to
// the hall chosen in the top bar.
"use strict";
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

document.addEventListener("change", (event) => {
  if (event.target.matches("[data-hall-switch] select") && event.target.value) {
    window.location.href = event.target.value;
  }
});
