// Tiny DOM helpers: escape everything that is not trusted server HTML.
// A date as the city reads it (YYYY-MM-DD in Asia/Shanghai, the server's zone), not the UTC date of an ISO string.
export const day = (iso) => (iso ? new Date(iso).toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" }) : "");
export const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

export function h(html) {
  const t = document.createElement("template");
  t.innerHTML = html.trim();
  return t.content;
}

export function render(html) {
  const view = document.getElementById("view");
  view.replaceChildren(typeof html === "string" ? h(html) : html);
  return view;
}

// Links inside server HTML point at site paths: keep them inside the app.
export function appLinks(root) {
  root.querySelectorAll("a[href^='/']").forEach((a) => {
    const href = a.getAttribute("href");
    if (/^\/(admin|documents|media|static|accounts|i18n|app)\b/.test(href)) return;
    a.setAttribute("href", "/app" + href);
    a.dataset.link = "";
  });
  root.querySelectorAll("form[action^='/search']").forEach((f) => f.setAttribute("action", "/app/search"));
  return root;
}
