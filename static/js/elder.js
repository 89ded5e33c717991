// 长辈版 (large type, high contrast, one column) ⇄ 标准版, remembered in localStorage for the site and the app alike.
// The inline boot script in <head> applies a saved choice before the page is drawn; this one runs the switch.
(function () {
  var KEY = "qf.elder";
  var root = document.documentElement;

  function isOn() {
    return root.classList.contains("elder");
  }

  function label() {
    document.querySelectorAll("[data-elder-toggle]").forEach(function (button) {
      // The button names what it switches to: 长辈版 in the standard page, 标准版 in the elder one.
      button.textContent = isOn() ? button.dataset.labelStandard : button.dataset.labelElder;
      button.hidden = false;
    });
  }

  function set(on) {
    root.classList.toggle("elder", on);
    try {
      if (on) localStorage.setItem(KEY, "1");
      else localStorage.removeItem(KEY);
    } catch (e) {
      // Private mode without storage: the switch still works on this page.
    }
    label();
    document.dispatchEvent(new CustomEvent("qf:elder", { detail: { on: on } }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-elder-toggle]");
    if (!button) return;
    set(!isOn());
    button.focus();
  });
  // Another tab switched: follow it.
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) {
      root.classList.toggle("elder", event.newValue === "1");
      label();
    }
  });
  window.qfElder = { label: label, set: set };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", label);
  else label();
})();
