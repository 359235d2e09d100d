import type { Notice } from './api-types.ts';

/*
 * Which of the citizen's notices this phone has shown in its inbox: the newest shown, kept per citizen, so that the
 * header can say how many came since (while the phone was offline, or on another screen).
 */

const seenKey = (pid: string) => `thaid-notices-seen:${pid}`;

const newestSeen = (pid: string) => Number(localStorage.getItem(seenKey(pid)) ?? 0);

/** The notices among these the inbox has not shown yet. */
export const unseenIds = (pid: string, notices: Pick<Notice, 'id'>[]) => notices.map((notice) => notice.id).filter((id) => Number(id) > newestSeen(pid));

/** The inbox showed these notices: they, and any older, are no longer new. */
export function markSeen(pid: string, notices: Pick<Notice, 'id'>[]): void {
  const newest = Math.max(newestSeen(pid), ...notices.map((notice) => Number(notice.id)));
  localStorage.setItem(seenKey(pid), String(newest));
}
