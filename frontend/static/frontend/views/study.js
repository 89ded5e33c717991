// Study in "me": the points ledger (积分明细) with totals, and the cadre's study tasks.
import { mutate, query } from "../api.js";
import { lang } from "../i18n.js";
import { esc, render } from "../ui.js";
import { failed, loading } from "./common.js";

const STRINGS = {
  "zh-hans": {
    points: "积分明细", today: "今日", week: "本周", month: "本月", year: "本年", all: "累计",
    todayBySource: "今日各项积分", cap: "上限 {n}", noCap: "不限", none: "还没有积分：阅读文章、答题都能得分。",
    more: "更多", back: "返回我的", pts: "+{n}",
    tasks: "学习任务", taskCount: "{n} 项未完成", noTasks: "暂无学习任务。", due: "截止 {t}", overdue: "已逾期",
    ranking: "积分排行", people: "个人", units: "单位", year: "本年", myRank: "我的排名：第 {r} 名（{p} 分）",
    noRank: "本期还没有积分。", perMember: "人均 {n} 分 · {p} 人", min: "有积分的干部满 {n} 人的单位才参加排名。", empty: "暂无排名。",
    done: "已完成", pagesDone: "已学 {d}/{n} 篇", quiz: "答题：{q}（{p} 分合格）", best: "最高 {n} 分", study: "去学习",
  },
  en: {
    points: "Points detail", today: "Today", week: "This week", month: "This month", year: "This year", all: "In all",
    todayBySource: "Today by source", cap: "cap {n}", noCap: "no cap", none: "No points yet: reading and quizzes earn them.",
    more: "More", back: "Back to me", pts: "+{n}",
    tasks: "Study tasks", taskCount: "{n} to finish", noTasks: "No study tasks.", due: "Due {t}", overdue: "Overdue",
    ranking: "Rankings", people: "People", units: "Departments", myRank: "Your rank: {r} ({p} points)",
    noRank: "No points in this period yet.", perMember: "{n} per member · {p}", min: "Departments need {n} cadres with points to be ranked.", empty: "Nothing ranked yet.",
    done: "Done", pagesDone: "{d} of {n} read", quiz: "Quiz: {q} (pass mark {p})", best: "best {n}", study: "Study",
  },
};
export const s = (key, vars = {}) => (STRINGS[lang]?.[key] ?? STRINGS["zh-hans"][key] ?? key).replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? "");

const POINTS = `query($page: Int) { myPoints(page: $page, pageSize: 20) { today week month year allTime
  sourcesToday { source sourceLabel points dailyCap } entries { id sourceLabel day points }
  pageInfo { number hasNext } } }`;
const SUMMARY = "query { myPoints(pageSize: 1) { today week year } myTasks { id completedAt isOverdue } }";
const TASKS = `query { myTasks { id title description deadline pageCount pagesDone quizId quizTitle passMark bestScore
  completedAt isOverdue pages { title url } } }`;
const when = (iso) => new Date(iso).toLocaleString(lang === "en" ? "en" : "zh-CN", { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });

// A line for "me": today's, this week's and this year's points, linking to the detail.
export async function pointsSection() {
  let myPoints, myTasks;
  try { ({ myPoints, myTasks } = await query(SUMMARY)); } catch { return ""; }
  if (!myPoints) return "";
  const open = (myTasks || []).filter((t) => !t.completedAt && !t.isOverdue).length;
  return `<a class="card points-summary tasks-summary" href="/app/me/tasks" data-link><strong>${esc(s("tasks"))}</strong>
    <span>${esc(open ? s("taskCount", { n: open }) : s("noTasks"))}</span></a>
    <a class="card points-summary" href="/app/me/points" data-link><strong>${esc(s("points"))}</strong>
    <span>${esc(s("today"))} ${myPoints.today} · ${esc(s("week"))} ${myPoints.week} · ${esc(s("year"))} ${myPoints.year}</span></a>`;
}

async function points(params) {
  loading();
  const page = Number(params.get("page")) || 1;
  let myPoints;
  try { ({ myPoints } = await query(POINTS, { page })); } catch (error) {
    if (error.errors?.[0]?.code === "UNAUTHENTICATED") return (await import("../router.js")).navigate("/app/login", true);
    return failed(error);
  }
  const p = myPoints || { today: 0, week: 0, month: 0, year: 0, allTime: 0, sourcesToday: [], entries: [], pageInfo: {} };
  const total = (key, n) => `<div><small>${esc(s(key))}</small><strong>${n}</strong></div>`;
  render(`<h1>${esc(s("points"))}</h1>
    <p><a class="button ghost" href="/app/me/ranking" data-link>${esc(s("ranking"))}</a></p>
    <div class="points-totals">${total("today", p.today)}${total("week", p.week)}${total("month", p.month)}${total("year", p.year)}${total("all", p.allTime)}</div>
    <h2>${esc(s("todayBySource"))}</h2>
    <ul class="plain points-sources">${p.sourcesToday.map((r) => `<li><span>${esc(r.sourceLabel)}</span>
      <span>${r.points} / ${r.dailyCap ? esc(s("cap", { n: r.dailyCap })) : esc(s("noCap"))}</span></li>`).join("")}</ul>
    <h2>${esc(s("points"))}</h2>
    ${p.entries.length ? `<ul class="plain points-ledger">${p.entries.map((e) => `<li><span>${esc(e.day)}</span>
      <span>${esc(e.sourceLabel)}</span><strong>${esc(s("pts", { n: e.points }))}</strong></li>`).join("")}</ul>` : `<p class="muted">${esc(s("none"))}</p>`}
    ${p.pageInfo.hasNext ? `<p><a class="button ghost" href="/app/me/points?page=${page + 1}" data-link>${esc(s("more"))}</a></p>` : ""}
    <p><a href="/app/me" data-link>${esc(s("back"))}</a></p>`);
}

const RANKING = `query($period: StudyRankingPeriod!) { studyRanking(period: $period, limit: 50) { period minParticipants
  me { rank points } people { rank name department points isMe } departments { rank department perMember participants isMe } } }`;

async function ranking(params) {
  loading();
  const period = ["week", "month", "year"].includes(params.get("period")) ? params.get("period") : "week";
  const who = params.get("who") === "units" ? "units" : "people";
  let studyRanking;
  try { ({ studyRanking } = await query(RANKING, { period: period.toUpperCase() })); } catch (error) { return failed(error); }
  const r = studyRanking;
  const link = (p, w) => `/app/me/ranking?period=${p}&who=${w}`;
  const tab = (href, label, on) => `<a class="seg${on ? " on" : ""}" href="${href}" data-link${on ? ' aria-current="true"' : ""}>${esc(label)}</a>`;
  const rows = who === "people" ? r.people : r.departments;
  render(`<h1>${esc(s("ranking"))}</h1>
    <nav class="segments">${["week", "month", "year"].map((p) => tab(link(p, who), s(p), p === period)).join("")}</nav>
    <nav class="segments">${tab(link(period, "people"), s("people"), who === "people")}${tab(link(period, "units"), s("units"), who === "units")}</nav>
    ${who === "people" ? `<p class="my-rank">${r.me ? esc(s("myRank", { r: r.me.rank, p: r.me.points })) : esc(s("noRank"))}</p>`
      : `<p class="muted">${esc(s("min", { n: r.minParticipants }))}</p>`}
    ${rows.length ? `<ol class="board">${rows.map((e) => `<li class="${e.isMe ? "me" : ""}"><span class="rank r${e.rank}">${e.rank}</span>
      <span class="who"><strong>${esc(e.name || e.department)}</strong><small>${esc(e.name ? e.department : s("perMember", { n: e.perMember, p: e.participants }))}</small></span>
      <span class="pts">${esc(e.name ? e.points : e.perMember)}</span></li>`).join("")}</ol>` : `<p class="muted">${esc(s("empty"))}</p>`}
    <p><a href="/app/me/points" data-link>${esc(s("points"))}</a></p>`);
}

async function tasks() {
  loading();
  let myTasks;
  try { ({ myTasks } = await query(TASKS)); } catch (error) {
    if (error.errors?.[0]?.code === "UNAUTHENTICATED") return (await import("../router.js")).navigate("/app/login", true);
    return failed(error);
  }
  const state = (t) => t.completedAt ? `<span class="tag done">${esc(s("done"))}</span>`
    : t.isOverdue ? `<span class="tag overdue">${esc(s("overdue"))}</span>` : `<span class="tag">${esc(s("due", { t: when(t.deadline) }))}</span>`;
  render(`<h1>${esc(s("tasks"))}</h1>
    ${myTasks.length ? myTasks.map((t) => `<section class="card study-task"><h2>${esc(t.title)} ${state(t)}</h2>
      ${t.description ? `<p>${esc(t.description)}</p>` : ""}
      ${t.pageCount ? `<p class="muted">${esc(s("pagesDone", { d: t.pagesDone, n: t.pageCount }))}</p>
        <progress max="${t.pageCount}" value="${t.pagesDone}"></progress>
        <ul class="plain task-pages">${t.pages.map((p) => `<li><a href="/app${esc(p.url)}" data-link>${esc(p.title)}</a></li>`).join("")}</ul>` : ""}
      ${t.quizId ? `<p><a href="/app/quizzes/${esc(t.quizId)}" data-link>${esc(s("quiz", { q: t.quizTitle, p: t.passMark }))}</a>
        ${t.bestScore !== null ? esc(s("best", { n: t.bestScore })) : ""}</p>` : ""}</section>`).join("")
      : `<p class="muted">${esc(s("noTasks"))}</p>`}
    <p><a href="/app/me" data-link>${esc(s("back"))}</a></p>`);
}

export default async function study({ path, params }) {
  if (path.startsWith("/me/tasks")) return tasks();
  if (path.startsWith("/me/ranking")) return ranking(params);
  return points(params);
}

// Video study: heartbeats every 15 s while a video plays, and on pause and end. The server credits no more than
// the clock and the video allow; a refusal (not a cadre, not logged in) simply stops the reports.
const START_WATCH = `mutation($v: ID!, $s: Float) { startVideoWatch(videoId: $v, reportedSeconds: $s) {
  ok token errors { field message code } } }`;
const BEAT = `mutation($t: String!, $n: Int!, $p: Float!) { videoHeartbeat(token: $t, seq: $n, position: $p) {
  ok creditedSeconds errors { field message code } } }`;

export function watchVideos(root) {
  root.querySelectorAll("video[data-video-id]").forEach((video) => {
    let token = null;
    let seq = 0;
    let timer = null;
    let stopped = false;
    const beat = async () => {
      if (!token || stopped) return;
      seq += 1;
      try { await mutate(BEAT, { t: token, n: seq, p: video.currentTime }, "videoHeartbeat"); } catch { stopped = true; }
    };
    video.addEventListener("play", async () => {
      if (stopped) return;
      if (!token) {
        // With preload="none" the length is known only once the metadata arrives, shortly after "play".
        if (!Number.isFinite(video.duration)) await new Promise((done) => video.addEventListener("loadedmetadata", done, { once: true }));
        try {
          const result = await mutate(START_WATCH, { v: video.dataset.videoId, s: video.duration || null }, "startVideoWatch");
          token = result?.token || null;
        } catch { stopped = true; return; }
      }
      clearInterval(timer);
      timer = setInterval(beat, 15000);
    });
    video.addEventListener("pause", () => { clearInterval(timer); beat(); });
    video.addEventListener("ended", () => { clearInterval(timer); beat(); });
  });
}
