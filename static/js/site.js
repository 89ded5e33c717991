// The public site's only script: the language menu switches on change (an inline handler would break the CSP).
document.querySelectorAll("select[data-autosubmit]").forEach((select) => {
  select.addEventListener("change", () => select.form.submit());
});
