/**
 * @module sw/statusNotification
 * Browsers require every push to show a notification (`userVisibleOnly`): Chrome shows its own
 * "This site has been updated in the background" once a site's silent-push budget is spent,
 * and Safari revokes a subscription that stays silent. Yet many wake-ups bring nothing to show:
 * cover wake-ups (server push/wakeUps.ts), a wake-up whose news an open tab already read, a
 * cancelled ring. So such a wake-up keeps one silent status notification in the shade, unless a
 * Hardline notification is already there; a real one replaces it. It names nobody and says
 * nothing of what woke it, so a cover wake-up looks like any other on the lock screen too.
 */
/// <reference lib="webworker" />

export const STATUS_TAG = 'hardline-status';

export const STATUS_NOTIFICATION = {
  title: 'Hardline',
  options: { body: 'Connected', tag: STATUS_TAG, silent: true, data: { kind: 'open' } } satisfies NotificationOptions,
};

/** After a wake-up with nothing to show: leaves one notification of ours in the shade. */
export async function keepOneVisible(reg: ServiceWorkerRegistration): Promise<void> {
  if ((await reg.getNotifications()).length > 0) return;
  await reg.showNotification(STATUS_NOTIFICATION.title, STATUS_NOTIFICATION.options);
}

/** After a real notification: the status one has nothing more to say. */
export async function dropStatus(reg: ServiceWorkerRegistration): Promise<void> {
  for (const n of await reg.getNotifications({ tag: STATUS_TAG })) n.close();
}
