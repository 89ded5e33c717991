// Quizzes: list, play (server-timed), results, leaderboards, and the study record shown in "me".
// The server owns the clock: the timer only displays the seconds the server says are left.
import { ApiError, mutate, newKey, query } from "../api.js";
import { lang } from "../i18n.js";
import { esc, render } from "../ui.js";
import { failed, loading } from "./common.js";

const STRINGS = {
  "zh-hans": {
    title: "答题", boards: "排行榜", record: "学习记录", start: "开始答题", resume: "继续答题", review: "查看成绩",
    "mode.PRACTICE": "练习", "mode.TIMED": "限时测验", "mode.DAILY": "每日答题", "mode.COMPETITION": "知识竞赛",
    "kind.single": "单选题", "kind.multiple": "多选题", "kind.true_false": "判断题",
    questions: "{n} 道题", seconds: "每题 {s} 秒", untimed: "不限时", left: "剩余 {n} 次", best: "最高 {n} 分",
    "done.today": "今日已答", closed: "已结束", notOpen: "未开始", closes: "截止 {t}", progress: "第 {i}/{n} 题",
    submit: "提交答案", next: "下一题", finish: "交卷", results: "查看成绩", right: "回答正确", wrong: "回答错误",
    late: "时间到，本题不得分", answer: "正确答案：{a}", yours: "你的答案：{a}", points: "+{n} 分", rule: "依据：",
    timer: "剩余时间", sec: "{n} 秒", score: "得分", correct: "答对 {c}/{n} 题", expired: "已超时结束",
    finished: "已完成", again: "再答一次", back: "返回答题列表", login: "请先登录后答题。", none: "暂无可参加的答题。",
    week: "本周", month: "本月", competition: "竞赛", people: "个人", units: "单位", myRank: "我的排名：第 {r} 名（{s} 分）",
    noRank: "你还没有成绩。", perMember: "人均 {n} 分 · {p} 人参与", min: "参与满 {n} 人的单位才参加排名。", empty: "暂无成绩。",
    total: "近 {d} 天共 {n} 分", quizPts: "答题 {n} 分", readPts: "阅读 {n} 分", caps: "每日上限：答题 {q} 分，阅读 {r} 分",
    confirmFinish: "确定交卷吗？未答的题不得分。", choose: "请选择答案", "tf.true": "对", "tf.false": "错",
    nextDaily: "今日已答。下一期明天 0:00（北京时间）开放。", noneLeft: "答题次数已用完。",
  },
  en: {
    title: "Quizzes", boards: "Leaderboards", record: "Study record", start: "Start", resume: "Resume", review: "See results",
    "mode.PRACTICE": "Practice", "mode.TIMED": "Timed quiz", "mode.DAILY": "Daily quiz", "mode.COMPETITION": "Competition",
    "kind.single": "Single choice", "kind.multiple": "Multiple choice", "kind.true_false": "True or false",
    questions: "{n} questions", seconds: "{s} s each", untimed: "Untimed", left: "{n} attempts left", best: "Best {n}",
    "done.today": "Done today", closed: "Closed", notOpen: "Not open yet", closes: "Closes {t}", progress: "Question {i} of {n}",
    submit: "Submit", next: "Next", finish: "Finish", results: "See results", right: "Correct", wrong: "Wrong",
    late: "Time is up: no points", answer: "Answer: {a}", yours: "Yours: {a}", points: "+{n} points", rule: "Rule: ",
    timer: "Time left", sec: "{n} s", score: "Score", correct: "{c} of {n} correct", expired: "Ended: time ran out",
    finished: "Finished", again: "Play again", back: "Back to quizzes", login: "Log in to play.", none: "No quizzes open to you.",
    week: "This week", month: "This month", competition: "Competition", people: "People", units: "Departments",
    myRank: "Your rank: {r} ({s} points)", noRank: "No score yet.", perMember: "{n} per member · {p} taking part",
    min: "Departments need {n} participants to be ranked.", empty: "No scores yet.",
    total: "{n} points in {d} days", quizPts: "Quizzes {n}", readPts: "Reading {n}", caps: "Daily caps: quizzes {q}, reading {r}",
    confirmFinish: "Finish now? Unanswered questions score nothing.", choose: "Choose an answer", "tf.true": "True",
    "tf.false": "False", nextDaily: "Done today. The next one opens tomorrow at 0:00 (Beijing time).",
    noneLeft: "No attempts left.",
  },
};

const q = (key, vars = {}) => (STRINGS[lang]?.[key] ?? STRINGS["zh-hans"][key] ?? key).replace(/\{(\w+)\}/g, (_, k) => vars[k] ?? "");

const LIST = `query { quizzes { id title mode questionCount secondsPerQuestion isOpen opensAt closesAt attemptsLeft
  openAttemptId bestScore } }`;
const DETAIL = `query($id: ID!) { quiz(id: $id) { id title mode intro questionCount secondsPerQuestion isOpen opensAt
  closesAt attemptLimit attemptsLeft openAttemptId bestScore minParticipants } }`;
const PLAY_FIELDS = `ok errors { field message code } attempt { id state score questionCount answeredCount quiz { id title mode } }
  question { id position kind text options { key text } secondsLeft secondsTotal }`;
const START = `mutation($quiz: ID!) { startQuizAttempt(quizId: $quiz) { ${PLAY_FIELDS} } }`;
const NEXT = `mutation($a: ID!) { nextQuizQuestion(attemptId: $a) { ${PLAY_FIELDS} } }`;
const REVIEW_FIELDS = "position kind text options { key text } chosen correct isCorrect late points explanation policyTitle policyUrl";
const ANSWER = `mutation($a: ID!, $q: ID!, $c: [String!]!) { answerQuizQuestion(attemptId: $a, questionId: $q, choices: $c) {
  ok errors { field message code } attempt { id state score answeredCount questionCount } feedback { ${REVIEW_FIELDS} } } }`;
const FINISH = "mutation($a: ID!) { finishQuizAttempt(attemptId: $a) { ok errors { field message code } attempt { id } } }";
const RESULT = `query($id: ID!) { quizAttempt(id: $id) { id state score correctCount questionCount
  quiz { id title mode isOpen attemptsLeft } review { ${REVIEW_FIELDS} } } }`;
const BOARD = `query($board: QuizBoard!, $quiz: ID) { leaderboard(board: $board, quizId: $quiz, limit: 50) {
  period minParticipants me { rank score }
  individuals { rank name department score isMe } departments { rank department score participants perMember isMe } } }`;
const STUDY = `query { studyRecord(days: 14) { total quizDailyCap readingDailyCap days { day reads quizPoints readingPoints points } } }`;

const when = (iso) => new Date(iso).toLocaleString(lang === "en" ? "en" : "zh-CN", { month: "numeric", day: "numeric", hour: "2-digit", minute: "2-digit" });

async function needLogin(error) {
  if (error instanceof ApiError && error.errors?.[0]?.code === "UNAUTHENTICATED") {
    const { navigate } = await import("../router.js");
    navigate("/app/login", true);
    return true;
  }
  return false;
}

// A true-or-false answer reads 对/错, not the letter of its option; other kinds keep their letters (shown beside the
// options). Question banks spell the two options 正确/错误, 对/错 or √/×.
const TRUE_WORDS = /^(正确|对|√|是|true)$/i;
const FALSE_WORDS = /^(错误|错|×|否|false)$/i;
function answerText(item, keys) {
  if (item.kind !== "true_false") return keys.join("");
  return keys.map((key) => {
    const text = (item.options.find((o) => o.key === key)?.text || key).trim();
    return TRUE_WORDS.test(text) ? q("tf.true") : FALSE_WORDS.test(text) ? q("tf.false") : text;
  }).join("");
}

// What replaces 再答一次 when another attempt would be refused: when the next daily quiz opens, or none left.
function noRetry(quiz) {
  if (quiz.attemptsLeft !== 0) return "";
  return quiz.mode === "DAILY" ? q("nextDaily") : q("noneLeft");
}

function status(quiz) {
  if (!quiz.isOpen) return quiz.opensAt && new Date(quiz.opensAt) > new Date() ? q("notOpen") : q("closed");
  if (quiz.attemptsLeft === 0 && !quiz.openAttemptId) return quiz.mode === "DAILY" ? q("done.today") : q("left", { n: 0 });
  return "";
}

function meta(quiz) {
  return [q("questions", { n: quiz.questionCount }),
    quiz.secondsPerQuestion ? q("seconds", { s: quiz.secondsPerQuestion }) : q("untimed"),
    quiz.attemptsLeft != null && quiz.mode !== "DAILY" ? q("left", { n: quiz.attemptsLeft }) : "",
    quiz.bestScore != null ? q("best", { n: quiz.bestScore }) : "",
    quiz.closesAt ? q("closes", { t: when(quiz.closesAt) }) : ""].filter(Boolean).map(esc).join(" · ");
}

async function list() {
  loading();
  let quizzes;
  try { ({ quizzes } = await query(LIST)); } catch (error) { return (await needLogin(error)) || failed(error); }
  document.title = q("title");
  render(`<h1>${esc(q("title"))}</h1>
    <p class="row"><a class="button ghost" href="/app/boards" data-link>${esc(q("boards"))}</a>
      <a class="button ghost" href="/app/me" data-link>${esc(q("record"))}</a></p>
    ${quizzes.length ? `<ul class="cards quiz-list">${quizzes.map((quiz) => `<li><a class="card quiz-card" href="/app/quizzes/${quiz.id}" data-link>
      <span class="badge mode-${esc(quiz.mode.toLowerCase())}">${esc(q(`mode.${quiz.mode}`))}</span>
      <strong>${esc(quiz.title)}</strong><small>${meta(quiz)}</small>
      ${quiz.openAttemptId ? `<span class="state">${esc(q("resume"))} ›</span>` : status(quiz) ? `<span class="state muted">${esc(status(quiz))}</span>` : ""}
    </a></li>`).join("")}</ul>` : `<p class="muted">${esc(q("none"))}</p>`}`);
}

async function detail(id) {
  loading();
  let quiz;
  try { ({ quiz } = await query(DETAIL, { id })); } catch (error) { return (await needLogin(error)) || failed(error); }
  if (!quiz) return failed(new Error("404"));
  document.title = quiz.title;
  const blocked = status(quiz);
  render(`<h1>${esc(quiz.title)}</h1><p class="muted">${meta(quiz)}</p>
    <div class="server quiz-intro">${quiz.intro || ""}</div>
    ${quiz.mode === "COMPETITION" ? `<p class="muted">${esc(q("min", { n: quiz.minParticipants }))}</p>` : ""}
    <p class="row">${quiz.openAttemptId || !blocked
      ? `<a class="button" id="play" href="/app/quizzes/${quiz.id}/play" data-link>${esc(q(quiz.openAttemptId ? "resume" : "start"))}</a>`
      : `<span class="state muted">${esc(noRetry(quiz) && quiz.isOpen ? noRetry(quiz) : blocked)}</span>`}
      <a class="button ghost" href="/app/boards${quiz.mode === "COMPETITION" ? `?quiz=${quiz.id}` : ""}" data-link>${esc(q("boards"))}</a></p>`);
}

// The play screen: one question at a time; the timer counts down the seconds the server gave.
let timer = null;

function stopTimer() {
  if (timer) clearInterval(timer);
  timer = null;
}

async function play(id) {
  stopTimer();
  loading();
  let payload;
  try {
    payload = await mutate(START, { quiz: id }, "startQuizAttempt");
  } catch (error) {
    if (await needLogin(error)) return;
    return render(`<div class="card error"><p>${esc(error.message)}</p></div>
      <p><a class="button ghost" href="/app/quizzes/${esc(id)}" data-link>${esc(q("back"))}</a></p>`);
  }
  show(payload);
}

async function show({ attempt, question }) {
  const { navigate } = await import("../router.js");
  if (!question) return navigate(`/app/quizzes/attempts/${attempt.id}`, true);
  const multiple = question.kind === "multiple";
  const n = attempt.questionCount;
  render(`<div class="play" data-attempt="${esc(attempt.id)}">
    <div class="play-head"><span class="progress-label">${esc(q("progress", { i: question.position + 1, n }))}</span>
      ${question.secondsLeft != null ? `<span class="timer" role="timer" aria-label="${esc(q("timer"))}"><span id="secs">${Math.ceil(question.secondsLeft)}</span></span>` : ""}</div>
    <div class="progress" aria-hidden="true"><span style="width:${(100 * question.position) / n}%"></span></div>
    ${question.secondsLeft != null ? `<div class="timebar" aria-hidden="true"><span id="timebar"></span></div>` : ""}
    <p class="kind">${esc(q(`kind.${question.kind}`))}</p>
    <h1 class="question">${esc(question.text)}</h1>
    <form id="answer" class="options" novalidate>
      ${question.options.map((o) => `<label class="option"><input type="${multiple ? "checkbox" : "radio"}" name="choice" value="${esc(o.key)}">
        <span class="key">${esc(o.key)}</span><span class="text">${esc(o.text)}</span></label>`).join("")}
      <p class="field-error" id="answer-error" role="alert"></p>
      <button class="button wide" type="submit">${esc(q("submit"))}</button>
    </form>
    <div id="feedback" aria-live="polite"></div>
    <p class="finish-row"><button class="link-button" id="finish" type="button">${esc(q("finish"))}</button></p>
  </div>`);
  const form = document.getElementById("answer");
  let sent = false;
  const key = newKey(); // one answer to this question, however often it is resent
  const submit = async (choices) => {
    if (sent) return;
    sent = true;
    stopTimer();
    form.querySelectorAll("input, button").forEach((el) => { el.disabled = true; });
    try {
      const result = await mutate(ANSWER, { a: attempt.id, q: question.id, c: choices }, "answerQuizQuestion", key);
      feedback(result, form);
    } catch (error) {
      const code = error.errors?.[0]?.code;
      if (code === "ALREADY_ANSWERED" || code === "EXPIRED" || code === "ATTEMPT_ENDED") {
        return next(attempt.id);
      }
      sent = false;
      if (!choices.length && code === "INVALID_CHOICE") {
        // Our clock ran ahead of the server's by a moment: the deadline has not passed there yet. Ask again.
        setTimeout(() => submit([]), 500);
        return;
      }
      form.querySelectorAll("input, button").forEach((el) => { el.disabled = false; });
      document.getElementById("answer-error").textContent = error.message;
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const choices = [...form.querySelectorAll("input:checked")].map((i) => i.value);
    if (!choices.length) {
      document.getElementById("answer-error").textContent = q("choose");
      return;
    }
    submit(choices);
  });
  document.getElementById("finish").addEventListener("click", async () => {
    if (!confirm(q("confirmFinish"))) return;
    stopTimer();
    await mutate(FINISH, { a: attempt.id }, "finishQuizAttempt").catch(() => {});
    navigate(`/app/quizzes/attempts/${attempt.id}`);
  });
  if (question.secondsLeft != null) {
    const ends = Date.now() + question.secondsLeft * 1000;
    const total = (question.secondsTotal || question.secondsLeft) * 1000;
    const secs = document.getElementById("secs");
    const bar = document.getElementById("timebar");
    const tick = () => {
      const left = Math.max(0, ends - Date.now());
      secs.textContent = Math.ceil(left / 1000);
      bar.style.width = `${(100 * left) / total}%`;
      secs.parentElement.classList.toggle("urgent", left < 5000);
      if (left <= 0) submit([]); // time is up: the server records no answer and shows the right one
    };
    tick();
    timer = setInterval(tick, 200);
  }
}

function feedback({ attempt, feedback: f }, form) {
  form.querySelectorAll(".option").forEach((label) => {
    const key = label.querySelector("input").value;
    if (f.correct.includes(key)) label.classList.add("is-right");
    else if (f.chosen.includes(key)) label.classList.add("is-wrong");
  });
  form.querySelector("button[type=submit]").hidden = true;
  const ended = attempt.state !== "IN_PROGRESS";
  document.getElementById("feedback").innerHTML = `<div class="feedback ${f.isCorrect ? "right" : "wrong"}">
    <p class="verdict"><strong>${esc(f.late ? q("late") : f.isCorrect ? q("right") : q("wrong"))}</strong>
      ${f.points ? `<span class="points">${esc(q("points", { n: f.points }))}</span>` : ""}</p>
    <p>${esc(q("answer", { a: answerText(f, f.correct) }))}${f.chosen.length ? ` · ${esc(q("yours", { a: answerText(f, f.chosen) }))}` : ""}</p>
    ${f.explanation ? `<p class="explanation">${esc(f.explanation)}</p>` : ""}
    ${f.policyUrl ? `<p>${esc(q("rule"))}<a href="/app${esc(f.policyUrl)}" data-link>${esc(f.policyTitle)}</a></p>` : ""}
    <button class="button wide" id="next" type="button">${esc(ended ? q("results") : q("next"))}</button></div>`;
  document.getElementById("finish").hidden = ended;
  const button = document.getElementById("next");
  button.addEventListener("click", () => next(attempt.id));
  button.focus();
}

async function next(attemptId) {
  try {
    show(await mutate(NEXT, { a: attemptId }, "nextQuizQuestion"));
  } catch (error) {
    failed(error);
  }
}

async function results(id) {
  stopTimer();
  loading();
  let attempt;
  try { ({ quizAttempt: attempt } = await query(RESULT, { id })); } catch (error) { return (await needLogin(error)) || failed(error); }
  if (!attempt) return failed(new Error("404"));
  document.title = attempt.quiz.title;
  render(`<h1>${esc(attempt.quiz.title)}</h1>
    <section class="score-card"><p class="muted">${esc(attempt.state === "EXPIRED" ? q("expired") : q("finished"))}</p>
      <p class="score"><span>${esc(q("score"))}</span> <strong id="score">${attempt.score}</strong></p>
      <p>${esc(q("correct", { c: attempt.correctCount, n: attempt.questionCount }))}</p></section>
    ${noRetry(attempt.quiz) ? `<p class="next-quiz" id="no-retry">${esc(noRetry(attempt.quiz))}</p>` : ""}
    <p class="row">${noRetry(attempt.quiz) || !attempt.quiz.isOpen ? ""
      : `<a class="button" href="/app/quizzes/${attempt.quiz.id}" data-link>${esc(q("again"))}</a>`}
      <a class="button ghost" href="/app/boards${attempt.quiz.mode === "COMPETITION" ? `?quiz=${attempt.quiz.id}` : ""}" data-link>${esc(q("boards"))}</a></p>
    <ol class="review">${attempt.review.map((r) => `<li class="${r.isCorrect ? "right" : "wrong"}">
      <p><strong>${esc(r.text)}</strong></p>
      <p>${esc(q("answer", { a: answerText(r, r.correct) }))}${r.chosen.length ? ` · ${esc(q("yours", { a: answerText(r, r.chosen) }))}` : ` · ${esc(q("late"))}`}
        ${r.points ? ` · ${esc(q("points", { n: r.points }))}` : ""}</p>
      ${r.explanation ? `<p class="muted">${esc(r.explanation)}</p>` : ""}</li>`).join("")}</ol>
    <p><a href="/app/quizzes" data-link>${esc(q("back"))}</a></p>`);
}

async function leaderboards(params) {
  loading();
  const quiz = params.get("quiz");
  const board = quiz ? "COMPETITION" : params.get("board") === "MONTH" ? "MONTH" : "WEEK";
  const who = params.get("who") === "units" ? "units" : "people";
  let leaderboard;
  try { ({ leaderboard } = await query(BOARD, { board, quiz })); } catch (error) { return (await needLogin(error)) || failed(error); }
  const link = (b, w) => `/app/boards?${new URLSearchParams({ ...(quiz ? { quiz } : { board: b }), who: w })}`;
  const tab = (href, label, on) => `<a class="seg${on ? " on" : ""}" href="${href}" data-link${on ? ' aria-current="true"' : ""}>${esc(label)}</a>`;
  const rows = who === "people" ? leaderboard?.individuals || [] : leaderboard?.departments || [];
  render(`<h1>${esc(q("boards"))}</h1>
    ${quiz ? "" : `<nav class="segments">${tab(link("WEEK", who), q("week"), board === "WEEK")}${tab(link("MONTH", who), q("month"), board === "MONTH")}</nav>`}
    <nav class="segments">${tab(link(board, "people"), q("people"), who === "people")}${tab(link(board, "units"), q("units"), who === "units")}</nav>
    ${who === "people" ? `<p class="my-rank">${leaderboard?.me ? esc(q("myRank", { r: leaderboard.me.rank, s: leaderboard.me.score })) : esc(q("noRank"))}</p>`
      : `<p class="muted">${esc(q("min", { n: leaderboard?.minParticipants ?? 3 }))}</p>`}
    ${rows.length ? `<ol class="board">${rows.map((e) => `<li class="${e.isMe ? "me" : ""}"><span class="rank r${e.rank}">${e.rank}</span>
      <span class="who"><strong>${esc(e.name || e.department)}</strong>${e.name ? `<small>${esc(e.department)}</small>` : `<small>${esc(q("perMember", { n: e.perMember, p: e.participants }))}</small>`}</span>
      <span class="pts">${esc(e.name ? e.score : e.perMember)}</span></li>`).join("")}</ol>` : `<p class="muted">${esc(q("empty"))}</p>`}`);
}

// A section for "me": the study record of the last 14 days (quiz points + reading points, each capped per day).
export async function studyRecordSection() {
  let studyRecord;
  try { ({ studyRecord } = await query(STUDY)); } catch { return ""; }
  if (!studyRecord) return "";
  return `<section class="study-record"><h2>${esc(q("record"))}</h2>
    <p><strong>${esc(q("total", { n: studyRecord.total, d: 14 }))}</strong></p>
    <ul class="plain study-days">${studyRecord.days.map((d) => `<li><span>${esc(d.day)}</span>
      <span>${esc(q("quizPts", { n: d.quizPoints }))} · ${esc(q("readPts", { n: d.readingPoints }))}</span><strong>${d.points}</strong></li>`).join("")}</ul>
    <p class="muted">${esc(q("caps", { q: studyRecord.quizDailyCap, r: studyRecord.readingDailyCap }))}</p></section>`;
}

export default async function quizzes({ path, params }) {
  stopTimer();
  let m;
  if ((m = path.match(/^\/quizzes\/attempts\/(\d+)\/?$/))) return results(m[1]);
  if ((m = path.match(/^\/quizzes\/(\d+)\/play\/?$/))) return play(m[1]);
  if ((m = path.match(/^\/quizzes\/(\d+)\/?$/))) return detail(m[1]);
  if (path.startsWith("/boards")) return leaderboards(params);
  return list();
}
