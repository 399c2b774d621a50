// Progressive enhancement only: the page works without this file.
(() => {
  var form = document.querySelector('form.signup');
  if (!form) return;
  // The error summary takes the focus (autofocus does it without JavaScript; this is a fallback).
  var summary = document.getElementById('error-summary');
  if (summary && document.activeElement !== summary) summary.focus();
  // One submission at a time: a double click must not send the form twice.
  form.addEventListener('submit', () => {
    var button = form.querySelector('button[type="submit"]');
    if (button) {
      button.disabled = true;
      button.textContent = 'Signing up…';
    }
  });
})();
