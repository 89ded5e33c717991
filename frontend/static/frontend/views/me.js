import { mutate, query } from "../api.js";
import { lang, setLang, t } from "../i18n.js";
import { day, esc, render } from "../ui.js";
import { history } from "./page.js";

const ME = `query Me { me { name department post smsSubscribed
  readingHistory { items { title url } } studyRecord { day reads } } }`;
// 我的 for a citizen (logged in with phone and code, no account): their applications and named complaints.
const MINE = `query MyCases { myCases { phone
  applications { trackingNumber itemName serviceCentre status submittedAt dueAt dueProvisional paused }
  complaints { reference category status receivedAt dueAt dueProvisional } } }`;
const SMS = `mutation Sms($on: Boolean!) { setSmsSubscription(subscribed: $on) { errors { field message code } } }`;

const list = (items) => items.map((i) => `<li><a href="/app${esc(i.url || i.path)}" data-link>${esc(i.title)}</a></li>`).join("");

export default async function me() {
  let me = null;
  let anonymous = false;
  try { ({ me } = await query(ME)); } catch (error) { anonymous = error.errors?.[0]?.code === "UNAUTHENTICATED"; }
  if (anonymous) {
    let cases = null;
    try { ({ myCases: cases } = await query(MINE)); } catch { /* offline: the login screen says so */ }
    if (cases) return mine(cases);
    const { navigate } = await import("../router.js");
    return navigate("/app/login", true);
  }
  const read = me?.readingHistory?.items?.length ? me.readingHistory.items : history();
  render(`<h1>${esc(me?.name || t("me.title"))}</h1>
    ${me?.department ? `<p class="muted">${esc(me.department)} ${esc(me.post || "")}</p>` : ""}
    ${me && me.smsSubscribed !== null ? `<label class="switch"><input type="checkbox" id="sms" ${me.smsSubscribed ? "checked" : ""}> ${esc(t("me.sms"))}</label>` : ""}
    ${me?.studyRecord?.length ? `<h2>${esc(t("me.study"))}</h2><dl class="facts">${me.studyRecord.map((r) => `<dt>${esc(r.day)}</dt><dd>${esc(t("me.reads", { n: r.reads }))}</dd>`).join("")}</dl>` : ""}
    <div id="points"></div>
    <div id="quiz-study"></div>
    <h2>${esc(t("me.history"))}</h2><ul class="plain">${list(read)}</ul>
    <h2>${esc(t("me.language"))}</h2>
    <div class="row"><button class="button ${lang === "zh-hans" ? "" : "ghost"}" data-lang="zh-hans">简体中文</button>
      <button class="button ${lang === "en" ? "" : "ghost"}" data-lang="en">English</button></div>
    ${me ? `<p><button class="button ghost" id="logout">${esc(t("me.logout"))}</button></p>`
      : `<p><a class="button" href="/app/login" data-link>${esc(t("login.title"))}</a></p>`}
    <p class="site-link"><a href="/" id="open-site">${esc(t("site"))}</a></p>`);
  if (me) import("./study.js").then(async (m) => {
    const slot = document.getElementById("points");
    if (slot) slot.innerHTML = await m.pointsSection();
  });
  if (me) import("./quizzes.js").then(async (m) => {
    const slot = document.getElementById("quiz-study");
    if (slot) slot.innerHTML = await m.studyRecordSection();
  });
  document.querySelectorAll("[data-lang]").forEach((b) => b.addEventListener("click", () => { setLang(b.dataset.lang); me_(); }));
  document.getElementById("sms")?.addEventListener("change", (e) => mutate(SMS, { on: e.target.checked }, "setSmsSubscription"));
  document.getElementById("logout")?.addEventListener("click", async () => {
    await mutate("mutation { logout { errors { field message code } } }", {}, "logout");
    me_();
  });
}
const me_ = () => me();

const due = (label, row) => (row.dueAt ? ` · ${esc(t(label))} ${esc(day(row.dueAt))}${row.dueProvisional ? " " + esc(t("mine.provisional")) : ""}` : "");

function mine(cases) {
  const apps = cases.applications.map((a) => `<li><a class="card mine-case" href="/app/approvals/mine/${encodeURIComponent(a.trackingNumber)}" data-link>
    <strong>${esc(a.itemName)}</strong><small>${esc(a.trackingNumber)} · ${esc(a.serviceCentre)}</small>
    <small><span class="status">${esc(a.status)}</span>${a.paused ? " · " + esc(t("mine.paused")) : ""}</small>
    <small>${esc(t("mine.submitted"))} ${esc(day(a.submittedAt))}${due("mine.due", a)}</small></a></li>`).join("");
  const complaints = cases.complaints.map((c) => `<li><a class="card mine-case" href="/app/complaints/mine/${encodeURIComponent(c.reference)}" data-link>
    <strong>${esc(c.category)}</strong><small>${esc(c.reference)} · ${esc(t("mine.received"))} ${esc(day(c.receivedAt))}</small>
    <small><span class="status">${esc(c.status)}</span>${due("mine.stageDue", c)}</small></a></li>`).join("");
  render(`<h1>${esc(t("mine.title"))}</h1><p class="muted">${esc(t("mine.phone", { p: cases.phone }))}</p>
    <h2>${esc(t("mine.apps"))}</h2>${apps ? `<ul class="cards">${apps}</ul>` : `<p class="muted">${esc(t("mine.noApps"))}</p>`}
    <h2>${esc(t("mine.complaints"))}</h2>${complaints ? `<ul class="cards">${complaints}</ul>` : `<p class="muted">${esc(t("mine.noComplaints"))}</p>`}
    <p class="muted">${esc(t("mine.anon"))} <a href="/app/complaints/follow" data-link>${esc(t("login.follow"))}</a></p>
    <h2>${esc(t("me.language"))}</h2>
    <div class="row"><button class="button ${lang === "zh-hans" ? "" : "ghost"}" data-lang="zh-hans">简体中文</button>
      <button class="button ${lang === "en" ? "" : "ghost"}" data-lang="en">English</button></div>
    <p><button class="button ghost" id="logout">${esc(t("me.logout"))}</button></p>
    <p class="site-link"><a href="/mine/" id="open-site">${esc(t("site"))}</a></p>`);
  document.querySelectorAll("[data-lang]").forEach((b) => b.addEventListener("click", () => { setLang(b.dataset.lang); me_(); }));
  document.getElementById("logout").addEventListener("click", async () => {
    await mutate("mutation { logout { errors { field message code } } }", {}, "logout");
    me_();
  });
}
