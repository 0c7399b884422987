// The upload page, enhanced: drop files anywhere, paste them, see previews, and watch progress.
// htmx uses fetch(), which reports no upload progress, so this sends the form with
// XMLHttpRequest instead; the server answers with the same results fragment it gives htmx.
const form = document.getElementById('upload-form');
const input = document.getElementById('images');
const previews = document.getElementById('previews');
const results = document.getElementById('upload-results');

if (form && input && previews && results) {
  const setFiles = (files) => {
    const images = [...files].filter((f) => f.type.startsWith('image/') || f.type === '');
    if (!images.length) return;
    const transfer = new DataTransfer();
    for (const f of images) transfer.items.add(f);
    input.files = transfer.files;
    showPreviews();
  };

  const showPreviews = () => {
    for (const img of previews.querySelectorAll('img')) URL.revokeObjectURL(img.src);
    previews.replaceChildren(...[...input.files].map((file) => {
      const item = document.createElement('li');
      const img = document.createElement('img');
      img.src = URL.createObjectURL(file);
      img.alt = '';
      const name = document.createElement('span');
      name.textContent = `${file.name} (${Math.ceil(file.size / 1024)} KB)`;
      const bar = document.createElement('progress');
      bar.max = 1;
      bar.value = 0;
      bar.setAttribute('aria-label', `Upload progress of ${file.name}`);
      item.append(img, name, bar);
      return item;
    }));
  };

  input.addEventListener('change', showPreviews);
  document.addEventListener('dragover', (e) => {
    e.preventDefault();
    form.classList.add('dragging');
  });
  document.addEventListener('dragleave', () => form.classList.remove('dragging'));
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    form.classList.remove('dragging');
    setFiles(e.dataTransfer.files);
  });
  // Paste images from the clipboard, unless the user is typing somewhere.
  document.addEventListener('paste', (e) => {
    const active = document.activeElement;
    if (active && (active.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(active.tagName) && active.type !== 'file' && active.type !== 'radio')) return;
    if (e.clipboardData?.files.length) {
      e.preventDefault();
      setFiles(e.clipboardData.files);
    }
  });

  // This script owns the form: the same POST as without JavaScript, over XMLHttpRequest (fetch
  // reports no upload progress), asking for the results fragment alone with X-Fragment.
  form.addEventListener('submit', (e) => {
    if (!input.files.length) return;
    e.preventDefault();
    const files = [...input.files];
    const bars = [...previews.querySelectorAll('progress')];
    const total = document.getElementById('upload-progress');
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('X-Fragment', '1');
    xhr.upload.addEventListener('progress', (p) => {
      if (!p.lengthComputable) return;
      total.hidden = false;
      total.value = p.loaded / p.total;
      // Files go in order: each one's share of the bytes sent so far.
      let offset = 0;
      const sent = p.loaded * (files.reduce((n, f) => n + f.size, 0) / p.total);
      files.forEach((f, i) => {
        if (bars[i]) bars[i].value = f.size ? Math.min(1, Math.max(0, (sent - offset) / f.size)) : 1;
        offset += f.size;
      });
    });
    xhr.addEventListener('load', () => {
      results.innerHTML = xhr.responseText;
      total.hidden = true;
      form.querySelector('button[type=submit]').disabled = false;
    });
    xhr.addEventListener('error', () => {
      results.textContent = 'The upload failed: check your connection and try again.';
      form.querySelector('button[type=submit]').disabled = false;
    });
    form.querySelector('button[type=submit]').disabled = true;
    xhr.send(new FormData(form));
  });
}
