// Following a background job (`/api/jobs/{id}/`) from the sidebar: duplications and
// snapshots are jobs, polled until they end.

const POLL_MS = 400;
const TIMEOUT_MS = 5 * 60 * 1000;

/**
 * Polls `job` until it has finished and returns it; throws, in words, when it failed, was
 * cancelled or takes longer than five minutes (`tooLong` says what happens then).
 * `onProgress(percentage)` hears each poll's progress.
 */
export async function finishedJob(api, job, { onProgress = () => {}, tooLong = "It is taking too long." } = {}) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!["finished", "failed", "cancelled"].includes(job.state)) {
    onProgress(job.progress_percentage || 0);
    if (Date.now() > deadline) {
      throw new Error(tooLong);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    job = await api.get(`/jobs/${job.id}/`);
  }
  if (job.state === "failed") {
    throw new Error(job.human_readable_error || "It could not be done.");
  }
  if (job.state === "cancelled") {
    throw new Error("It was cancelled.");
  }
  onProgress(100);
  return job;
}
