// While the server draws a PNG or PDF (seconds), the map page says so, then saves the file when it arrives.
// Without JavaScript the links download as plain links; the words come translated in the page's data attributes.
(function () {
  'use strict';
  var status = document.getElementById('export-status');
  if (!status || !window.fetch || !window.URL || !URL.createObjectURL) { return; }
  var busy = false;

  function fileName(response, href) {
    var header = response.headers.get('Content-Disposition') || '';
    var match = /filename\*=UTF-8''([^;]+)/i.exec(header);
    if (match) {
      try { return decodeURIComponent(match[1]); } catch (e) { /* a malformed name: the plain one below */ }
    }
    match = /filename="([^"]+)"/i.exec(header);
    return match ? match[1] : href.split('?')[0].split('/').pop();
  }

  function say(text) {
    // The status stays in the page, empty, so that screen readers announce each change of its words.
    status.textContent = text;
  }

  function save(blob, name) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    // The browser has the file once the click is handled; the object URL may go a little later.
    setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
  }

  Array.prototype.forEach.call(document.querySelectorAll('a[data-drawing]'), function (link) {
    link.addEventListener('click', function (event) {
      // A modified click (new tab, save as) is the browser's to handle.
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) { return; }
      event.preventDefault();
      if (busy) { return; }
      busy = true;
      link.setAttribute('aria-busy', 'true');
      say(link.getAttribute('data-drawing'));
      fetch(link.href, {credentials: 'same-origin'}).then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.blob().then(function (blob) {
          var name = fileName(response, link.href);
          save(blob, name);
          say(status.getAttribute('data-started').replace('{file}', name));
        });
      }).catch(function () {
        say(status.getAttribute('data-failed'));
      }).then(function () {
        busy = false;
        link.removeAttribute('aria-busy');
      });
    });
  });
}());
