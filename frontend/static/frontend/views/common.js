// Shared screen pieces: loading, failure, and the server-HTML fallback used while the API lacks a piece.
import { html } from "../api.js";
import { t } from "../i18n.js";
import { appLinks, esc, render } from "../ui.js";

export function loading() {
  render(`<p class="loading" aria-busy="true">${esc(t("loading"))}</p>`);
}

export function failed(error) {
  const offline = !navigator.onLine || error instanceof TypeError;
  render(`<div class="card error"><p>${esc(t(offline ? "offline.miss" : "error"))}</p>
    <button type="button" class="button" data-retry>${esc(t("retry"))}</button></div>`);
  // A listener, not an onclick attribute: the Content-Security-Policy forbids inline handlers.
  document.querySelector("[data-retry]")?.addEventListener("click", () => location.reload());
}

// Render a server page's <main> inside the app (breadcrumbs and site chrome dropped).
export async function serverPage(path, extraClass = "") {
  const main = await html(path);
  main.querySelectorAll(".breadcrumbs, .app-continue, .site-search").forEach((el) => el.remove());
  const wrap = document.createElement("div");
  wrap.className = `server ${extraClass}`.trim();
  wrap.append(...main.childNodes);
  render(appLinks(wrap));
  const title = wrap.querySelector("h1");
  document.title = `${title ? title.textContent + " · " : ""}${t("brand")}`;
  return wrap;
}

// Server forms (forum reply, new topic, report) post through fetch; offline, they wait in the outbox.
export async function postForm(action, fields) {
  const body = new URLSearchParams(fields);
  const response = await fetch(action, { method: "POST", body, credentials: "same-origin", headers: { Accept: "text/html" } });
  if (!response.ok && response.status !== 400) throw new Error(`${response.status}`);
  return response;
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (form.method !== "post" || !form.closest(".server")) return;
  event.preventDefault();
  const action = new URL(form.action, location.href);
  const fields = [...new FormData(form)].filter(([, v]) => typeof v === "string");
  const { outbox } = await import("../offline.js");
  const label = (form.querySelector("textarea")?.value || form.querySelector("input[type=text]")?.value || "").slice(0, 40);
  if (!navigator.onLine) {
    outbox.add({ kind: "form", action: action.pathname + action.search, fields, label });
    form.insertAdjacentHTML("afterend", `<p class="pending" role="status">${esc(t("pending.item"))}: ${esc(label)}</p>`);
    form.reset();
    return;
  }
  try {
    const response = await postForm(action.pathname + action.search, fields);
    const target = new URL(response.url);
    history.pushState({}, "", "/app" + target.pathname + target.search);
    const { dispatch } = await import("../router.js");
    await dispatch();
  } catch {
    outbox.add({ kind: "form", action: action.pathname + action.search, fields, label });
    form.reset();
  }
});
