import { mutate, query } from "../api.js";
import { lang, setLang, t } from "../i18n.js";
import { esc, render } from "../ui.js";
import { history } from "./page.js";

const ME = `query Me { me { name department post smsSubscribed
  readingHistory { items { title url } } studyRecord { day reads } } }`;
const SMS = `mutation Sms($on: Boolean!) { setSmsSubscription(subscribed: $on) { errors { field message code } } }`;

const list = (items) => items.map((i) => `<li><a href="/app${esc(i.url || i.path)}" data-link>${esc(i.title)}</a></li>`).join("");

export default async function me() {
  let me = null;
  let anonymous = false;
  try { ({ me } = await query(ME)); } catch (error) { anonymous = error.errors?.[0]?.code === "UNAUTHENTICATED"; }
  if (anonymous) {
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
