// The console's own script: what server-rendered pages and htmx do not do by themselves.
(function () {
  'use strict';

  // Every <time datetime> also shows the browser's own time zone (the page prints the plan's).
  function localTimes(root) {
    root.querySelectorAll('time[datetime]').forEach(function (t) {
      if (t.dataset.localized) { return; }
      var d = new Date(t.getAttribute('datetime'));
      if (isNaN(d)) { return; }
      t.dataset.localized = '1';
      t.title = 'your time: ' + d.toLocaleString();
      var local = document.createElement('span');
      local.className = 'muted local-time';
      local.textContent = ' (' + d.toLocaleTimeString([], {hour: '2-digit', minute: '2-digit'}) + ' yours)';
      t.after(local);
    });
  }

  async function sha256(file) {
    if (!(window.crypto && crypto.subtle)) { return null; } // not a secure context: the server computes it
    var digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
    return Array.from(new Uint8Array(digest)).map(function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }

  // Firmware upload: the SHA-256 computed here is sent along, so firmware-service refuses a package that
  // arrived altered; the progress bar follows the bytes sent.
  function upload(form) {
    form.addEventListener('submit', async function (event) {
      event.preventDefault();
      var status = form.querySelector('[data-status]');
      var bar = form.querySelector('progress');
      var button = form.querySelector('button[type=submit]');
      form.querySelectorAll('.field').forEach(function (f) {
        f.classList.remove('invalid');
        var e = f.querySelector('.error'); if (e) { e.remove(); }
      });
      status.className = '';
      var file = form.querySelector('input[type=file]').files[0];
      if (!file) { status.textContent = 'Choose a package file.'; return; }
      button.disabled = true;
      status.textContent = 'Computing the SHA-256 of ' + file.name + ' ...';
      var data = new FormData(form);
      var digest = await sha256(file);
      if (digest) {
        data.set('sha256', digest);
        form.querySelector('[data-sha256]').textContent = digest;
      }
      var xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/v1/firmware');
      xhr.setRequestHeader('X-OTA-Console', '1');
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round(e.loaded * 100 / e.total);
          status.textContent = 'Uploading: ' + bar.value + ' %';
        }
      };
      xhr.onload = function () {
        button.disabled = false;
        var body = {};
        try { body = JSON.parse(xhr.responseText); } catch (e) { /* a bare answer */ }
        if (xhr.status === 201) {
          status.textContent = 'Uploaded and signed.';
          window.location = '/firmware/' + encodeURIComponent(body.id);
          return;
        }
        status.textContent = (body.detail || ('The upload was refused: HTTP ' + xhr.status));
        status.className = 'notice error';
        (body.errors || []).forEach(function (err) {
          var input = form.querySelector('[name="' + err.field + '"]');
          var field = input && input.closest('.field');
          if (field) {
            field.classList.add('invalid');
            var msg = document.createElement('div');
            msg.className = 'error'; msg.textContent = err.message;
            field.appendChild(msg);
          }
        });
      };
      xhr.onerror = function () { button.disabled = false; status.textContent = 'The upload was interrupted.'; };
      xhr.send(data);
    });
  }

  // A development sign-in link carries its token after '#', which the browser never sends to a server
  // (nor to its logs): the login page takes it and drops it from the address bar and history. It signs in
  // at once only as the person already signed in here (a renewal); as anyone else it says whom and waits for
  // the button, so a link someone sent cannot sign a person in as its sender unawares (login CSRF).
  function loginLink() {
    var form = document.getElementById('login');
    if (!form || location.hash.indexOf('#token=') !== 0) { return; }
    var token = decodeURIComponent(location.hash.substring(7));
    history.replaceState(null, '', location.pathname + location.search);
    form.querySelector('textarea[name=token]').value = token;
    var who = subjectOf(token);
    if (who && who === form.getAttribute('data-current')) { form.submit(); return; }
    var note = document.getElementById('login-link');
    note.textContent = 'This link signs you in as ' + (who || 'someone whose token does not say who') +
        (form.getAttribute('data-current') ? ', instead of ' + form.getAttribute('data-current') : '') +
        '. Sign in only if you expected it.';
    note.hidden = false;
    form.querySelector('button[type=submit]').focus();
  }

  // The token's subject, read (not verified: the server does that) from its payload.
  function subjectOf(token) {
    try {
      var part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      var claims = JSON.parse(atob(part + '==='.slice((part.length + 3) % 4)));
      return String(claims.upn || claims.sub || '');
    } catch (e) { return ''; }
  }

  document.addEventListener('DOMContentLoaded', function () {
    localTimes(document);
    loginLink();
    document.querySelectorAll('form[data-upload]').forEach(upload);
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    document.querySelectorAll('input[data-browser-zone]').forEach(function (i) { i.value = zone || 'UTC'; });
    var summary = document.getElementById('form-errors');
    if (summary) { summary.focus(); }
  });

  // Every action that changes a plan, a binding or a package asks first (forms marked data-confirm),
  // including forms a live update has just put on the page.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      e.preventDefault();
      e.stopPropagation();
      return;
    }
    // a plan whose preview covers more than 10 % of its product asks whether that many were meant
    var figures = form.dataset && form.dataset.planForm !== undefined && form.querySelector('[data-share]');
    if (figures && parseFloat(figures.dataset.share) > 10 && !window.confirm('This plan targets '
        + figures.dataset.targeted + ' devices, ' + figures.dataset.share + ' % of the product\'s '
        + figures.dataset.product + '. Is that what you meant?')) {
      e.preventDefault();
      e.stopPropagation();
    }
  }, true);
  document.addEventListener('htmx:afterSwap', function (e) { localTimes(e.target); });
  // a refused htmx request shows its answer where the page asked for it, never a blank page
  document.addEventListener('htmx:beforeSwap', function (e) {
    if (e.detail.xhr.status >= 400 && e.detail.xhr.getResponseHeader('X-OTA-Fragment')) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });
})();
