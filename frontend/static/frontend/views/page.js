// Sections and content pages. The server's templates already render every StreamField block (images with
// srcset, quotes, video, callouts, Q&A, citations) and each page type's own fields, so the app shows that
// HTML; the service worker keeps the last 50 read for offline use.
import { t } from "../i18n.js";
import { esc } from "../ui.js";
import { failed, loading, serverPage } from "./common.js";

const HISTORY = "qf.history";

function remember(path, title) {
  const items = JSON.parse(localStorage.getItem(HISTORY) || "[]").filter((i) => i.path !== path);
  items.unshift({ path, title, at: new Date().toISOString() });
  localStorage.setItem(HISTORY, JSON.stringify(items.slice(0, 50)));
}

export const history = () => JSON.parse(localStorage.getItem(HISTORY) || "[]");

export default async function page({ path, params }) {
  loading();
  const query = params.toString();
  const serverPath = path.endsWith("/") ? path : path + "/";
  try {
    const view = await serverPage(serverPath + (query ? `?${query}` : ""), "page");
    const article = view.querySelector("article.entry");
    if (article) {
      remember(serverPath, view.querySelector("h1")?.textContent || serverPath);
      article.insertAdjacentHTML("beforeend",
        `<p class="site-link"><a href="${esc(serverPath)}">${esc(t("continue"))}</a></p>`);
    }
  } catch (error) {
    failed(error);
  }
}
