import { query } from "../api.js";
import { t } from "../i18n.js";
import { esc, render } from "../ui.js";
import { failed, loading, serverPage } from "./common.js";

const HOME = `query Home { home {
  phrase { text source }
  featured { title url summary date typeLabel }
  sections { title url latest { title url date summary typeLabel } }
} }`;

const link = (p) => `/app${esc(p.url)}`;

export function card(p) {
  return `<li><a class="card" href="${link(p)}" data-link><strong>${esc(p.title)}</strong>
    ${p.summary ? `<small>${esc(p.summary)}</small>` : ""}${p.date ? `<time>${esc(p.date)}</time>` : ""}</a></li>`;
}

export default async function home() {
  loading();
  try {
    const { home } = await query(HOME);
    render(`<div class="feed">
      ${home.phrase ? `<section class="phrase"><span class="phrase-label">${esc(t("phrase"))}</span><p>${esc(home.phrase.text)}</p></section>` : ""}
      ${home.featured?.length ? `<h2>${esc(t("featured"))}</h2><ul class="cards">${home.featured.map(card).join("")}</ul>` : ""}
      ${home.sections.map((s) => `<section><h2><a href="${link(s)}" data-link>${esc(s.title)}</a></h2>
        <ul class="cards">${s.latest.map(card).join("")}</ul>
        <p class="more"><a href="${link(s)}" data-link>${esc(t("more"))} ›</a></p></section>`).join("")}
    </div>`);
  } catch {
    try { await serverPage("/", "feed"); } catch (error) { failed(error); }
  }
}
