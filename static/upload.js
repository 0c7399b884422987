// The upload page, enhanced: files can be dropped anywhere or pasted, are checked against the
// server's limits before anything is sent, and show as previews; the upload reports its bytes,
// then each file's processing, and its results take the place of the form.
// htmx uses fetch(), which reports no upload progress, so this sends the form with
// XMLHttpRequest instead; the server answers with the same fragments it gives without progress.
import { icon } from './icon.js';
const VISIBILITY_KEY = 'upload-visibility';

function enhance(form) {
  const input = form.querySelector('#images');
  const previews = form.querySelector('#previews');
  const errorBox = form.querySelector('#upload-error');
  const status = form.querySelector('#upload-status');
  const total = form.querySelector('#upload-progress');
  const button = form.querySelector('button[type=submit]');
  const results = document.getElementById('upload-results');
  const d = form.dataset;
  const limits = { files: Number(d.maxFiles), bytes: Number(d.maxFileBytes), size: d.maxFileSize, accept: d.accept.split(','), types: d.types };
  /** The chosen files, each with the reason it will not be sent (or none). */
  let chosen = [];
  let busy = false;

  form.classList.add('enhanced');
  form.querySelector('.drop-hint').hidden = false; // upload.css shows it only where a pointer can drag
  rememberVisibility(form);

  /** What the server would refuse anyway, said before a byte is sent. */
  function check(files) {
    let accepted = 0;
    return files.map((file) => {
      let refusal;
      // An unknown type ('') is the server's to judge: it reads the bytes, not the name.
      if (file.type && !limits.accept.includes(file.type)) refusal = `Not a ${limits.types} image`;
      else if (file.size > limits.bytes) refusal = `File is larger than the limit of ${limits.size}`;
      else if (file.size === 0) refusal = 'File is empty';
      else if (++accepted > limits.files) refusal = `Too many files: at most ${limits.files} per upload`;
      return { file, refusal };
    });
  }

  function showChosen() {
    for (const img of previews.querySelectorAll('img')) URL.revokeObjectURL(img.src);
    chosen = check([...input.files]);
    previews.replaceChildren(...chosen.map(tileOf));
    errorBox.replaceChildren();
    const refused = chosen.filter((c) => c.refusal).length;
    status.textContent = !chosen.length ? ''
      : `${count(chosen.length - refused, 'image')} ready to upload${refused ? `, ${refused} refused` : ''}`;
  }

  function setFiles(files) {
    if (!files.length || busy) return;
    const transfer = new DataTransfer();
    for (const f of files) transfer.items.add(f);
    input.files = transfer.files;
    showForm();
    showChosen();
  }

  function showForm() {
    results.replaceChildren();
    form.hidden = false;
  }

  function setBusy(on) {
    busy = on;
    form.setAttribute('aria-busy', String(on));
    button.disabled = on;
    input.disabled = on;
    button.querySelector('.submit-label').textContent = on ? 'Uploading…' : 'Upload';
    button.querySelector('use').setAttribute('href', `/static/icons.svg#${on ? 'loader' : 'upload'}`);
    if (!on) total.hidden = true;
  }

  function showError(message, link) {
    const p = Object.assign(document.createElement('p'), { className: 'form-error', textContent: message });
    p.setAttribute('role', 'alert');
    if (link) p.append(' ', link);
    errorBox.replaceChildren(p);
    status.textContent = '';
    // Into view above the button bar, which stays at the bottom of the screen over what is below it.
    errorBox.scrollIntoView({ block: 'nearest' });
  }

  /** The server's answer: the results in place of the form, or why the whole upload was refused. */
  function finish(code, html, sent) {
    setBusy(false);
    const answer = document.createElement('div');
    answer.innerHTML = html; // our own fragment, escaped by the server's templates
    const outcome = answer.querySelector('[data-upload-outcomes]');
    if (!outcome) {
      showChosen();
      const message = answer.querySelector('.alert > span, .form-error')?.textContent;
      return showError(message || `The upload failed (${code}). Please try again.`, answer.querySelector('.alert a[href="/login"]'));
    }
    addRefused(outcome, sent);
    results.replaceChildren(outcome);
    form.hidden = true;
    if (code === 200) {
      input.value = ''; // a successful upload clears the selection
      showChosen();
    }
    scrollTo(0, 0);
    outcome.querySelector('h2').focus({ preventScroll: true });
  }

  /** The files refused here join the server's results, in the order they were chosen. */
  function addRefused(outcome, sent) {
    const list = outcome.querySelector('.outcomes');
    const served = [...list.children];
    const all = sent.map((c) => (c.refusal ? tileOf(c) : served.shift())).filter(Boolean).concat(served);
    if (all.length === served.length) return;
    list.replaceChildren(...all);
    // Worded as the server words it (src/upload/views.tsx), now counting every chosen file.
    outcome.querySelector('h2').textContent = `${outcome.dataset.stored} of ${count(all.length, 'image')} uploaded`;
  }

  function send() {
    const sent = chosen;
    const sending = sent.filter((c) => !c.refusal);
    if (!sending.length) return showError('None of the chosen files can be uploaded: each says why.');
    const data = new FormData();
    // The visibility first: the server checks it before it decodes any file.
    data.set('visibility', form.elements.visibility.value);
    if (form.elements.album?.value) data.set('album', form.elements.album.value);
    for (const { file } of sending) data.append('images', file, file.name);
    const bars = [...previews.querySelectorAll('progress')];
    for (const bar of bars) bar.hidden = false;
    const bytes = sending.reduce((n, c) => n + c.file.size, 0);

    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('X-Fragment', '1');
    xhr.setRequestHeader('X-Upload-Progress', '1');
    xhr.upload.addEventListener('progress', (p) => {
      if (!p.lengthComputable) return;
      total.hidden = false;
      total.value = p.loaded / p.total;
      say(`Sending ${count(sending.length, 'image')}…`);
      // Files go in order: each one's share of the bytes sent so far.
      const done = p.loaded * (bytes / p.total);
      let offset = 0;
      sending.forEach((c, i) => {
        bars[i].value = c.file.size ? Math.min(1, Math.max(0, (done - offset) / c.file.size)) : 1;
        offset += c.file.size;
      });
    });
    // Every byte is sent: now the server decodes and stores each file.
    xhr.upload.addEventListener('load', () => {
      for (const bar of bars) bar.closest('li').dataset.status = 'sent';
      processing(0, sending.length);
    });

    // The answer is a stream of JSON lines when the server reports progress (see
    // src/upload/progress.ts); an error before it began comes as a plain fragment.
    const streamed = () => (xhr.getResponseHeader('Content-Type') ?? '').startsWith('application/x-ndjson');
    let read = 0;
    let final;
    const readLines = () => {
      if (!streamed()) return;
      const text = xhr.responseText;
      for (let end = text.indexOf('\n', read); end !== -1; end = text.indexOf('\n', read)) {
        const raw = text.slice(read, end);
        read = end + 1;
        let line;
        try {
          line = JSON.parse(raw);
        } catch {
          continue; // a garbled line (a proxy's doing): the final one still decides
        }
        if ('done' in line) processing(line.done, line.of);
        else final = line;
      }
    };
    xhr.addEventListener('progress', readLines);
    xhr.addEventListener('load', () => {
      readLines();
      if (!streamed()) return finish(xhr.status, xhr.responseText, sent);
      if (final) return finish(final.status, final.html, sent);
      failed();
    });
    // Aborted, timed out or cut off: never left busy.
    xhr.addEventListener('loadend', () => {
      if (busy && xhr.status === 0) failed();
    });
    const failed = () => {
      setBusy(false);
      showChosen();
      showError('The upload failed: check your connection and try again.');
    };
    setBusy(true);
    errorBox.replaceChildren();
    xhr.send(data);
  }

  /** The status line is a live region: it changes only when its words do, or they are read again. */
  function say(text) {
    if (status.textContent !== text) status.textContent = text;
  }

  function processing(done, of) {
    total.hidden = false;
    total.value = of ? done / of : 0;
    say(`Processing ${Math.min(done + 1, of)} of ${of}`);
  }

  input.addEventListener('change', showChosen);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!busy) send();
  });
  results.addEventListener('click', (e) => {
    if (!e.target.closest('[data-upload-more]')) return;
    e.preventDefault();
    showForm();
    showChosen();
    input.focus();
  });

  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    form.classList.add('dragging');
  });
  document.addEventListener('dragleave', (e) => {
    if (!e.relatedTarget) form.classList.remove('dragging');
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    form.classList.remove('dragging');
    setFiles(e.dataTransfer.files);
  });
  // Paste images from the clipboard, unless the user is typing somewhere.
  document.addEventListener('paste', (e) => {
    const active = document.activeElement;
    const typing = active && (active.isContentEditable
      || (['INPUT', 'TEXTAREA', 'SELECT'].includes(active.tagName) && !['file', 'radio'].includes(active.type)));
    if (typing || !e.clipboardData?.files.length) return;
    e.preventDefault();
    setFiles(e.clipboardData.files);
  });
  showChosen(); // files the browser kept across a reload
}

/** One chosen file: a preview (an icon when it is refused or not displayable), name, size or why it is refused. */
function tileOf({ file, refusal }) {
  const item = document.createElement('li');
  item.className = 'tile-card';
  item.dataset.status = refusal ? 'rejected' : 'ready';
  const media = span('tile-media');
  if (refusal) media.append(icon('file-x'));
  else {
    const img = Object.assign(new Image(), { alt: '', decoding: 'async', src: URL.createObjectURL(file) });
    // HEIC, a damaged file, ...: a file icon rather than the browser's broken image.
    img.addEventListener('error', () => img.replaceWith(icon('file')));
    media.append(img);
  }
  const note = span('tile-note');
  if (refusal) note.append(Object.assign(document.createElement('strong'), { textContent: 'Refused:' }), ` ${refusal}`);
  else note.textContent = size(file.size);
  item.append(media, Object.assign(span('tile-name filename'), { textContent: file.name }), note);
  if (!refusal) {
    const bar = Object.assign(document.createElement('progress'), { max: 1, value: 0, hidden: true });
    bar.setAttribute('aria-label', `Upload progress of ${file.name}`);
    item.append(bar);
  }
  return item;
}

/** With JavaScript the last choice is kept here, unless the URL asks for one. */
function rememberVisibility(form) {
  try {
    const saved = localStorage.getItem(VISIBILITY_KEY);
    const radio = form.querySelector(`input[name=visibility][value="${saved === 'public' ? 'public' : 'private'}"]`);
    if (saved && !new URL(location.href).searchParams.has('visibility')) radio.checked = true;
    form.addEventListener('change', (e) => {
      if (e.target.name === 'visibility') localStorage.setItem(VISIBILITY_KEY, e.target.value);
    });
  } catch {
    // Storage may be refused (privacy settings): the server's default stands.
  }
}

const span = (className) => Object.assign(document.createElement('span'), { className });
const count = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const size = (n) => (n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);


const form = document.getElementById('upload-form');
if (form) enhance(form);
