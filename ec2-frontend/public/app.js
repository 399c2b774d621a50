// Progressive enhancement only: the page works without this file.
(() => {
  // The error summary (or the service's problem) takes the focus: autofocus does it without
  // JavaScript; this is a fallback for browsers that skip autofocus.
  var first = document.querySelector('[autofocus]');
  if (first && document.activeElement !== first) first.focus();
  // As GOV.UK Frontend's error summary does: a link moves the focus to its field and scrolls the
  // field's label (with its hint and message) into view, not just the input to the top edge.
  var summary = document.getElementById('error-summary');
  if (summary) {
    summary.addEventListener('click', (event) => {
      var link = event.target.closest('a[href^="#"]');
      if (!link) return;
      var input = document.getElementById(link.getAttribute('href').slice(1));
      var label = input?.labels?.[0];
      if (!input || !label) return;
      event.preventDefault();
      label.scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }
  // One submission at a time: a double click must not send the form twice.
  var form = document.querySelector('form.signup');
  if (!form) return;
  form.addEventListener('submit', () => {
    var button = form.querySelector('button[type="submit"]');
    if (button) {
      button.disabled = true;
      button.textContent = 'Signing up…';
    }
  });
})();
