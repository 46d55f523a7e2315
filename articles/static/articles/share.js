// "Copy link" on article pages: copies the article's address instead of following it. Without scripts (or
// without the clipboard) the link stays a link to the article, to copy as any other.
document.addEventListener("click", (event) => {
  const link = event.target.closest(".share-copy");
  if (!link || !navigator.clipboard) return;
  event.preventDefault();
  navigator.clipboard.writeText(link.href).then(() => {
    const status = link.closest(".share").querySelector(".share-status");
    if (status) status.textContent = link.dataset.copied;
  });
});
