// Progressive enhancement only: the page works without this file.
(() => {
  var form = document.querySelector('form.signup');
  if (!form) return;
  // Focus the first field with an error, so keyboard and screen-reader users land on it.
  var invalid = form.querySelector('[aria-invalid="true"]');
  if (invalid) invalid.focus();
  // One submission at a time: a double click must not send the form twice.
  form.addEventListener('submit', () => {
    var button = form.querySelector('button[type="submit"]');
    if (button) {
      button.disabled = true;
      button.textContent = 'Signing up…';
    }
  });
})();
