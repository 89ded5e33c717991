// Video study on the website (视听学习): a logged-in cadre's self-hosted videos report their playback position
// every 15 s while playing, and on pause and end, through the same GraphQL mutations as the app. The server
// credits no more than the clock and the video allow; a refusal (not a cadre) simply stops the reports.
const START = `mutation($v: ID!, $s: Float) { startVideoWatch(videoId: $v, reportedSeconds: $s) {
  ok token errors { code } } }`;
const BEAT = `mutation($t: String!, $n: Int!, $p: Float!) { videoHeartbeat(token: $t, seq: $n, position: $p) {
  ok creditedSeconds errors { code } } }`;

function cookie(name) {
  const hit = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
  return hit ? decodeURIComponent(hit.split("=")[1]) : "";
}

async function mutate(query, variables, field) {
  const response = await fetch("/graphql/", {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRFToken": cookie("csrftoken") },
    body: JSON.stringify({ query, variables }),
  });
  const result = (await response.json())?.data?.[field];
  if (!result?.ok) throw new Error(result?.errors?.[0]?.code || "refused");
  return result;
}

function watch(video) {
  let token = null;
  let starting = null;
  let seq = 0;
  let timer = null;
  let stopped = false;
  let sending = Promise.resolve();
  const start = async () => {
    // With preload="none" the length is known only once the metadata arrives, shortly after "play".
    if (!Number.isFinite(video.duration)) await new Promise((done) => video.addEventListener("loadedmetadata", done, { once: true }));
    token = (await mutate(START, { v: video.dataset.videoId, s: video.duration || null }, "startVideoWatch")).token;
  };
  const beat = () => {
    const position = video.currentTime;
    // One report at a time, in order, after the viewing has its token: the server refuses a number seen before.
    sending = sending.then(() => starting).then(async () => {
      if (!token || stopped) return;
      seq += 1;
      const result = await mutate(BEAT, { t: token, n: seq, p: position }, "videoHeartbeat");
      video.dataset.creditedSeconds = String(Math.floor(result.creditedSeconds));
    }).catch(() => { stopped = true; });
    return sending;
  };
  video.addEventListener("play", async () => {
    if (stopped) return;
    if (!starting) starting = start().catch(() => { stopped = true; });
    await starting;
    if (stopped) return;
    clearInterval(timer);
    timer = setInterval(beat, 15000);
  });
  video.addEventListener("pause", () => { clearInterval(timer); if (starting) beat(); });
  video.addEventListener("ended", () => { clearInterval(timer); if (starting) beat(); });
}

document.querySelectorAll("video[data-video-id]").forEach(watch);
